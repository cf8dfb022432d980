package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.tensor.DataType;
import dev.argus.testing.OnnxIdentity;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code argus replay} against started servers: 100 captured requests (classifier photos, OIP JSON
 * and binary tensors) replayed against the same server change nothing; against a server with
 * another version of each model (other preprocessing, Neg instead of Identity) they all change.
 */
class ReplayIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static TestServer original;
  static Path captured;

  /** What {@code argus replay ARGS} printed and returned. */
  record Run(int code, String out, String err) {}

  static Run replay(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of("replay"), Stream.of(args)).toArray(String[]::new);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(code, out.toString(), err.toString());
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private static long files(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void captureHundredRequests() throws IOException {
    Path repo = tmp.resolve("v1");
    TestModels.addImageTriage(repo);
    OnnxIdentity.addTo(repo, "identity", DataType.FP32);
    Path dir = tmp.resolve("capture");
    original =
        TestServer.start(
            repo,
            Map.of(
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "1",
                "capture.slow_threshold", "10s"));
    List<Path> photos = TestModels.labelledPhotos();
    for (int i = 0; i < 100; i++) {
      int status =
          switch (i % 5) {
            case 0 ->
                original
                    .postMultipart(
                        "/predict/image-triage", Files.readAllBytes(photos.get(i % photos.size())))
                    .statusCode();
            case 1 ->
                OipItSupport.postBinary(
                        original,
                        "/v2/models/identity/infer",
                        """
                        {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "parameters": {"binary_data_size": 8}}],
                         "parameters": {"binary_data_output": true}}\
                        """,
                        floats(i + 0.5f, -i - 1))
                    .statusCode();
            default ->
                original
                    .postJson("/v2/models/identity/infer", CaptureIT.tensor(i + 1, 2 * i + 1))
                    .statusCode();
          };
      assertThat(status).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> files(dir) == 100);
    // A snapshot: replaying against the capturing server captures the replayed requests too.
    captured = tmp.resolve("snapshot");
    TestModels.copyTree(dir, captured);
  }

  @AfterAll
  static void stop() {
    if (original != null) {
      original.close();
    }
  }

  @Test
  void replayingAgainstTheSameServerChangesNothing() throws Exception {
    Path report = tmp.resolve("same.json");

    Run run =
        replay(
            captured.toString(),
            "--target",
            original.uri("").toString(),
            "--concurrency",
            "4",
            "--json",
            report.toString());

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    JsonNode json = JSON.readTree(report.toFile());
    assertThat(json.path("replayed").asInt()).isEqualTo(100);
    assertThat(json.path("changed").asInt()).isZero();
    assertThat(json.path("status_changes").asInt()).isZero();
    assertThat(json.path("latency_ms").path("captured").path("p99").isNumber()).isTrue();
    assertThat(json.path("latency_ms").path("replay").path("p50").isNumber()).isTrue();
    assertThat(run.out()).contains("PASS").contains("p95");
  }

  @Test
  void replayingAgainstAnotherModelVersionReportsTheChangesAndFails() throws Exception {
    Path repo = tmp.resolve("v2");
    TestModels.addImageTriage(repo);
    Path yaml = repo.resolve("image-triage/model.yaml");
    Files.writeString(
        yaml,
        Files.readString(yaml).replace("mean: [0.485, 0.456, 0.406]", "mean: [0.3, 0.6, 0.2]"));
    OnnxIdentity.addUnary(repo, "identity", "2", DataType.FP32, "Neg");
    Path report = tmp.resolve("changed.json");
    try (TestServer next = TestServer.start(repo, Map.of())) {
      Run run =
          replay(
              captured.toString(),
              "--target",
              next.uri("").toString(),
              "--json",
              report.toString(),
              "--max-changed-fraction",
              "0.5");

      assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.out()).contains("CHANGED").contains("FAIL");
    }
    JsonNode json = JSON.readTree(report.toFile());
    assertThat(json.path("replayed").asInt()).isEqualTo(100);
    assertThat(json.path("status_changes").asInt()).isZero();
    assertThat(json.path("changed").asInt()).isGreaterThanOrEqualTo(80);
    assertThat(json.path("max_score_delta").asDouble()).isGreaterThan(1e-4);
    // Neg(x) against x: the largest |x - (-x)| of the inputs sent, 2 * 199.
    assertThat(json.path("max_abs_diff").asDouble()).isEqualTo(398.0);
    assertThat(json.path("requests"))
        .filteredOn(r -> r.path("path").asText().endsWith("/infer"))
        .allSatisfy(r -> assertThat(r.path("changed").asBoolean()).isTrue());
  }

  @Test
  void theModelFilterReplaysOnlyThatModel() throws Exception {
    Path report = tmp.resolve("model.json");

    Run run =
        replay(
            captured.toString(),
            "--target",
            original.uri("").toString(),
            "--model",
            "image-triage",
            "--format",
            "json",
            "--json",
            report.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(JSON.readTree(report.toFile()).path("replayed").asInt()).isEqualTo(20);
    assertThat(JSON.readTree(run.out()).path("replayed").asInt()).isEqualTo(20);
  }

  @Test
  void aMissingDirectoryIsBadInput() {
    Run run = replay(tmp.resolve("nowhere").toString(), "--target", "http://127.0.0.1:1");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("is not a directory").doesNotContain("Exception");
  }

  @Test
  void aBadTargetIsBadInput() {
    Run run = replay(captured.toString(), "--target", "localhost:8080");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("--target: localhost:8080 (expected: an http://")
        .doesNotContain("Exception");
  }

  @Test
  void filtersThatMatchNothingAreBadInput() {
    Run run = replay(captured.toString(), "--target", "http://127.0.0.1:1", "--model", "nope");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("no captured request");
  }
}
