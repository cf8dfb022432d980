package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.config.ConfigLoader;
import dev.argus.observe.SloRules;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** SLOs: tracked by the running server, and the generated rules tested with the real promtool. */
class SloIT {
  private static final Path RULES = Path.of("deploy/prometheus/slo-rules.yaml");

  @Test
  void theShippedRulesAreWhatArgusSloRulesGenerates() throws Exception {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "slo", "rules");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo(
            SloRules.generate(ConfigLoader.load(null, Map.of(), Map.of()).config().slo(), ""))
        .as("regenerate with: ./argus slo rules > deploy/prometheus/slo-rules.yaml")
        .isEqualTo(Files.readString(RULES));
  }

  @Test
  void promtoolChecksAndUnitTestsTheRules() throws Exception {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    for (String[] args :
        new String[][] {
          {"check", "rules", RULES.toString()},
          {"test", "rules", "deploy/prometheus/tests/slo-rules-test.yaml"}
        }) {
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(promtool.toString()),
                          java.util.Arrays.stream(args))
                      .toList())
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(output).isZero();
      assertThat(output).contains("SUCCESS");
    }
  }

  @Test
  void everyAlertHasARunbook() throws Exception {
    Matcher m =
        Pattern.compile("runbook_url: (docs/runbooks/\\S+\\.md)").matcher(Files.readString(RULES));
    int count = 0;
    while (m.find()) {
      assertThat(Path.of(m.group(1))).exists();
      count++;
    }
    assertThat(count).isEqualTo(8);
  }

  @Test
  void theServerTracksItsObjectives() throws Exception {
    try (TestServer server = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
      for (int i = 0; i < 3; i++) {
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      }
      server.postMultipart("/predict", "not an image".getBytes()); // a client error: not counted

      JsonNode slo = TestServer.json(server.get("/slo"));
      JsonNode availability = slo.path("objectives").get(0);
      assertThat(availability.path("name").asText()).isEqualTo("availability");
      assertThat(availability.path("target").asDouble()).isEqualTo(0.995);
      assertThat(availability.path("valid_events").asLong()).isEqualTo(3);
      assertThat(availability.path("sli").path("5m").asDouble()).isEqualTo(1.0);
      assertThat(availability.path("burn_rate").path("1h").asDouble()).isZero();
      assertThat(availability.path("error_budget").path("total_minutes").asDouble())
          .isEqualTo(216.0, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(availability.path("status").asText()).isEqualTo("ok");
      assertThat(slo.path("objectives").get(1).path("threshold_ms").asLong()).isEqualTo(300);

      String metrics = server.get("/metrics").body();
      assertThat(metrics)
          .contains("slo_sli_ratio{slo=\"availability\",window=\"30d\"} 1.0")
          .contains("slo_error_budget_remaining_ratio{slo=\"latency\"}")
          .contains("slo_burn_rate{slo=\"availability\",window=\"5m\"} 0.0");
    }
  }
}
