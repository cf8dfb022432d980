package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.PromQl;
import dev.argus.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules, dashboards and autoscaling adapter rule name only metrics Argus exports, under the
 * configured {@code metrics.prefix} too: {@code argus deploy render} applies the prefix, so none of
 * them goes blank when it is set.
 */
class DeployRenderTest {
  @TempDir Path dir;

  @Test
  void everyMetricTheShippedFilesReadExistsWithoutAPrefix() throws Exception {
    assertEveryMetricExists(TestModels.projectRoot().resolve("deploy"), "");
  }

  @Test
  void renderedWithAPrefixEveryMetricTheyReadExistsUnderIt() throws Exception {
    Path config = dir.resolve("argus.yaml");
    Files.writeString(config, "metrics:\n  prefix: acme\n");
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "deploy",
            "render",
            "--config",
            config.toString(),
            "--from",
            TestModels.projectRoot().resolve("deploy").toString(),
            "--out",
            out.toString());
    assertThat(code).as(err.toString()).isZero();

    assertEveryMetricExists(out, "acme");
    assertThat(Files.readString(out.resolve("prometheus/argus-rules.yaml")))
        .contains("acme_inference_requests_total", "acme_argus_memory_pressure")
        .doesNotContain("acme_acme_", " inference_requests_total");
    assertThat(Files.readString(out.resolve("kubernetes/base/prometheus-adapter-rules.yaml")))
        .contains("acme_inference_queue_depth{", "as: \"inference_queue_depth_per_pod\"");
    assertThat(Files.readString(out.resolve("prometheus/slo-rules.yaml")))
        .contains("acme_inference_requests_total");
  }

  @Test
  void anUnknownFolderIsRefusedNamingIt() {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "deploy",
            "render",
            "--from",
            dir.resolve("nope").toString(),
            "--out",
            dir.resolve("out").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("nope", "does not exist");
  }

  private static void assertEveryMetricExists(Path deploy, String prefix) throws Exception {
    Set<String> known = PromQl.knownMetricNames(prefix);
    List<String> exprs = new ArrayList<>();
    for (String yaml :
        List.of(
            "prometheus/argus-rules.yaml",
            "prometheus/slo-rules.yaml",
            "kubernetes/base/prometheus-adapter-rules.yaml")) {
      exprs.addAll(yamlExpressions(Files.readString(deploy.resolve(yaml))));
    }
    for (String dashboard : List.of("argus-overview.json", "argus-models.json", "argus-slo.json")) {
      collect(
          new ObjectMapper().readTree(deploy.resolve("grafana").resolve(dashboard).toFile()),
          exprs);
    }
    assertThat(exprs).hasSizeGreaterThan(20);
    for (String expr : exprs) {
      for (String metric :
          PromQl.metricNames(expr.replace("<<.Series>>", "").replace("<<.LabelMatchers>>", ""))) {
        assertThat(known)
            .as("metric %s in %s (prefix '%s')", metric, expr, prefix)
            .contains(metric);
      }
    }
  }

  /** The PromQL of {@code expr:}, {@code seriesQuery:} and {@code metricsQuery:} keys. */
  private static List<String> yamlExpressions(String yaml) {
    List<String> exprs = new ArrayList<>();
    List<String> lines = yaml.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("^(\\s*)(?:- )?(expr|seriesQuery|metricsQuery):\\s*(.*)$")
              .matcher(line);
      if (!m.matches()) {
        continue;
      }
      StringBuilder expr = new StringBuilder(m.group(3).replaceAll("^[|>]\\s*$", ""));
      int indent = m.group(1).length();
      while (i + 1 < lines.size()
          && lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent + 2) {
        expr.append(' ').append(lines.get(++i).strip());
      }
      exprs.add(expr.toString().replaceAll("^'|'$", ""));
    }
    return exprs;
  }

  private static void collect(JsonNode node, List<String> exprs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(e -> {
            if (e.getKey().equals("expr") && e.getValue().isTextual()) {
              exprs.add(e.getValue().asText());
            } else {
              collect(e.getValue(), exprs);
            }
          });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, exprs));
    }
  }
}
