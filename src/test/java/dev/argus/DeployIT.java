package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.ExternalTools;
import dev.argus.testing.PromQl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus and deploy/alertmanager checked with the real tools: the configuration parses,
 * every alert is unit-tested by promtool, has a runbook, and only names metrics Argus exports.
 */
class DeployIT {
  private static final Path PROMETHEUS = Path.of("deploy/prometheus");
  private static final List<Path> RULES =
      List.of(PROMETHEUS.resolve("argus-rules.yaml"), PROMETHEUS.resolve("slo-rules.yaml"));

  private static String run(Path dir, String... command) throws Exception {
    return ExternalTools.run(dir, List.of(command));
  }

  @Test
  void prometheusConfigAndRulesPassPromtoolAndEveryAlertIsUnitTested() throws Exception {
    String promtool = ExternalTools.require("promtool", "prometheus").toString();
    assertThat(run(PROMETHEUS, promtool, "check", "config", "prometheus.yml")).contains("SUCCESS");
    assertThat(run(PROMETHEUS, promtool, "test", "rules", "tests/argus-rules-test.yaml"))
        .contains("SUCCESS");

    String tests = Files.readString(PROMETHEUS.resolve("tests/argus-rules-test.yaml"));
    for (String alert : alerts(PROMETHEUS.resolve("argus-rules.yaml"))) {
      assertThat(tests).as(alert + " has a promtool test").contains("alertname: " + alert);
    }
  }

  @Test
  void alertmanagerConfigPassesAmtool() throws Exception {
    String amtool = ExternalTools.require("amtool", "prometheus-alertmanager").toString();
    assertThat(run(Path.of("deploy/alertmanager"), amtool, "check-config", "alertmanager.yml"))
        .contains("SUCCESS");
  }

  @Test
  void composeFilePassesDockerComposeConfig() throws Exception {
    // docker-compose validates the file against the Compose schema without an engine.
    String compose = ExternalTools.require("docker-compose", "docker-compose").toString();
    assertThat(run(Path.of("."), compose, "-f", "docker-compose.yml", "config", "--services"))
        .contains("argus", "prometheus", "alertmanager", "jaeger", "grafana");
  }

  @Test
  void everyAlertHasSummaryDescriptionAndAnExistingRunbook() throws Exception {
    for (Path file : RULES) {
      String text = Files.readString(file);
      int alerts = alerts(file).size();
      assertThat(count(text, "summary: ")).as(file.toString()).isEqualTo(alerts);
      assertThat(count(text, "description: ")).as(file.toString()).isEqualTo(alerts);
      Matcher m = Pattern.compile("runbook_url: (docs/runbooks/\\S+\\.md)").matcher(text);
      int runbooks = 0;
      while (m.find()) {
        assertThat(Path.of(m.group(1))).exists();
        runbooks++;
      }
      assertThat(runbooks).as(file.toString()).isEqualTo(alerts);
    }
  }

  @Test
  void rulesOnlyNameMetricsArgusExports() throws Exception {
    Set<String> known = PromQl.knownMetricNames();
    int checked = 0;
    for (Path file : RULES) {
      int blockIndent = -1; // inside "expr: |": lines indented at least this much
      for (String line : Files.readAllLines(file)) {
        int indent = line.length() - line.stripLeading().length();
        if (line.stripLeading().startsWith("expr:")) {
          blockIndent = line.strip().endsWith("|") ? indent + 2 : -1;
        } else if (blockIndent < 0 || indent < blockIndent || line.isBlank()) {
          blockIndent = -1;
          continue;
        }
        for (String name : PromQl.metricNames(line.replaceFirst("^\\s*expr:\\s*\\|?", ""))) {
          assertThat(known).as(file + ": " + line).contains(name);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  private static List<String> alerts(Path file) throws Exception {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("- alert: (\\w+)").matcher(Files.readString(file));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static int count(String text, String needle) {
    return text.split(Pattern.quote(needle), -1).length - 1;
  }
}
