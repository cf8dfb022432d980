package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.LogCapture;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift of real predictions against a reference: the first requests, or a baseline file. */
class DriftIT {
  private static final Map<String, String> FAST =
      Map.of(
          "drift.reference_size", "12",
          "drift.window", "12",
          "drift.min_samples", "12",
          "drift.check_interval", "200ms");

  private static void send(TestServer server, List<Path> photos, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      byte[] photo = Files.readAllBytes(photos.get(i % photos.size()));
      assertThat(server.postMultipart("/predict/image-triage", photo).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void onlyReportsAfterAMixedReferenceIsDriftAndTheSameMixIsNot(@TempDir Path repo)
      throws Exception {
    TestModels.addImageTriage(repo);
    List<Path> all = TestModels.labelledPhotos();
    List<Path> reports =
        all.stream().filter(p -> p.getFileName().toString().startsWith("report")).toList();
    try (LogCapture logs = LogCapture.start();
        TestServer server = TestServer.start(repo, FAST)) {
      send(server, all, 12); // the reference: the first 12 requests
      send(server, all, 12); // the same mix again

      JsonNode same =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> TestServer.json(server.get("/v2/models/image-triage/drift")),
                  d -> d.path("features").size() > 0);
      assertThat(same.path("reference").path("source").asText()).isEqualTo("first requests");
      assertThat(same.path("reference").path("size").asInt()).isEqualTo(12);
      assertThat(same.path("drift").asBoolean()).isFalse();

      send(server, reports, 12); // now only reports
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            JsonNode d = TestServer.json(server.get("/v2/models/image-triage/drift"));
            assertThat(d.path("drift").asBoolean()).isTrue();
            JsonNode classes = feature(d, "predicted_class");
            assertThat(classes.path("detected").asBoolean()).isTrue();
            assertThat(classes.path("p_value").asDouble()).isLessThan(0.01);
            assertThat(classes.path("psi").asDouble()).isGreaterThan(0.2);
          });
      String metrics = server.get("/metrics").body();
      assertThat(metrics)
          .contains("drift_detected{feature=\"predicted_class\",model=\"image-triage\"} 1.0")
          .contains("drift_score{feature=\"predicted_class\",model=\"image-triage\",test=\"psi\"}")
          .contains("drift_p_value{feature=\"confidence\",model=\"image-triage\"}");
      assertThat(logs.events())
          .anySatisfy(e ->
              assertThat(e.getFormattedMessage())
                  .startsWith("drift_detected model=image-triage feature=predicted_class"));
      assertThat(server.get("/v2/models/nope/drift").statusCode()).isEqualTo(404);
    }
  }

  private static JsonNode feature(JsonNode report, String name) {
    for (JsonNode f : report.path("features")) {
      if (f.path("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + report);
  }

  @Test
  void argusDriftBaselineWritesTheReferenceTheServerThenUses(@TempDir Path dir) throws Exception {
    Path repo = dir.resolve("models");
    TestModels.addImageTriage(repo);
    Path images = Files.createDirectories(dir.resolve("images"));
    List<Path> photos = TestModels.labelledPhotos();
    for (int i = 0; i < 12; i++) {
      Files.copy(photos.get(i % photos.size()), images.resolve(i + ".jpg"));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "drift",
            "baseline",
            "--model",
            "image-triage",
            "--images",
            images.toString(),
            "--model-repository",
            repo.toString());
    assertThat(code).as(err.toString()).isZero();
    dev.argus.testing.TestLogging.restoreDefault();

    Path reference = repo.resolve("image-triage/drift-reference.json");
    JsonNode json = new ObjectMapper().readTree(reference.toFile());
    assertThat(json.path("size").asInt()).isEqualTo(12);
    assertThat(json.path("features").path("confidence").size()).isEqualTo(12);
    assertThat(json.path("features").path("width").size()).isEqualTo(12);
    long classes = 0;
    for (JsonNode c : json.path("classes")) {
      classes += c.asLong();
    }
    assertThat(classes).isEqualTo(12);

    try (TestServer server = TestServer.start(repo, FAST)) {
      JsonNode d = TestServer.json(server.get("/v2/models/image-triage/drift"));
      assertThat(d.path("reference").path("source").asText()).endsWith("drift-reference.json");
      assertThat(d.path("reference").path("complete").asBoolean()).isTrue();
    }
  }
}
