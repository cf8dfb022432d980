package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.PromQl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana dashboards, validated offline: each is type-checked as Grafana's {@code Dashboard}
 * (npm {@code @grafana/schema} + {@code tsc --strict}: unknown or mistyped fields fail), every
 * PromQL expression parses (promtool) and names only metrics Argus exports, and latency panels ask
 * for exemplars.
 */
class DashboardsIT {
  private static final Path GRAFANA = Path.of("deploy/grafana");
  private static final Path CHECK = GRAFANA.resolve("check");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Path> dashboards() throws Exception {
    try (var files = Files.list(GRAFANA)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static List<JsonNode> targets(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panel.path("targets").forEach(out::add);
    }
    return out;
  }

  @Test
  void everyDashboardTypeChecksAsAGrafanaDashboard() throws Exception {
    Path node = ExternalTools.require("node", "nodejs");
    Path tsc = CHECK.resolve("node_modules/typescript/bin/tsc");
    if (!Files.exists(tsc)) {
      // A fresh clone: the checker's pinned packages (package-lock.json) come from the npm
      // registry here, so ./argus test needs nothing done first.
      Path npm = ExternalTools.require("npm", "npm");
      ExternalTools.run(
          CHECK, List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error"));
    }
    assertThat(tsc).as("npm ci in deploy/grafana/check installed typescript").exists();
    Path generated = Files.createDirectories(CHECK.resolve(".generated"));
    for (Path d : dashboards()) {
      String name = d.getFileName().toString().replace(".json", "").replace('-', '_');
      Files.writeString(
          generated.resolve(name + ".ts"),
          "import type { Dashboard } from \"@grafana/schema\";\nconst d: Dashboard = "
              + Files.readString(d)
              + ";\nexport default d;\n");
    }
    ExternalTools.run(
        CHECK, List.of(node.toString(), "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"));
    assertThat(dashboards()).hasSize(3);
  }

  @Test
  void everyExpressionParsesAndNamesExistingMetrics(@TempDir Path dir) throws Exception {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    Set<String> known = PromQl.knownMetricNames();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int n = 0;
    for (Path d : dashboards()) {
      for (JsonNode target : targets(JSON.readTree(d.toFile()))) {
        String expr =
            target.path("expr").asText().replace("$__rate_interval", "5m").replace("$model", ".*");
        rules.append("      - record: dashboard:check:").append(n++).append('\n');
        rules.append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        for (String metric : PromQl.metricNames(expr)) {
          assertThat(known).as(d + ": " + expr).contains(metric);
        }
      }
    }
    Path file = dir.resolve("dashboards.rules.yaml");
    Files.writeString(file, rules);
    assertThat(
            ExternalTools.run(dir, List.of(promtool.toString(), "check", "rules", file.toString())))
        .contains("SUCCESS: " + n + " rules found");
    assertThat(n).isGreaterThan(20);
  }

  @Test
  void latencyPanelsShowExemplarsAndEveryDashboardHasItsPanels() throws Exception {
    List<String> titles = new ArrayList<>();
    for (Path d : dashboards()) {
      JsonNode dashboard = JSON.readTree(d.toFile());
      assertThat(dashboard.path("uid").asText()).startsWith("argus-");
      for (JsonNode panel : dashboard.path("panels")) {
        titles.add(panel.path("title").asText());
        for (JsonNode t : panel.path("targets")) {
          if (t.path("expr").asText().contains("duration_seconds_bucket")) {
            assertThat(t.path("exemplar").asBoolean()).as(panel.path("title").asText()).isTrue();
          }
        }
      }
    }
    assertThat(titles)
        .contains(
            "Requests per second by route",
            "Latency p50 / p95 / p99 by route",
            "Latency per phase (p95)",
            "Batch size (mean)",
            "Queue depth vs capacity",
            "Predictions by class",
            "Top-1 confidence (median)",
            "Error budget remaining (30d, Prometheus)",
            "Burn rate 1h / 5m");
  }
}
