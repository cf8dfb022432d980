package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.LogCapture;
import dev.argus.testing.OtlpReceiver;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request pipeline for every protocol: a request to {@code /predict}, an OIP request of encoded
 * images and an OIP tensor request each get their phase timings recorded once, so the canonical
 * line, the {@code Server-Timing} header and the server span's phase children agree; and the images
 * of one OIP request are submitted together, so they share a batch.
 */
class PipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PHASES =
      List.of("decode", "preprocess", "queue", "compute", "postprocess");

  @TempDir static Path repo;
  private static OtlpReceiver receiver;
  private static TestServer server;
  private static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("otel.bsp.schedule.delay", "50");
    // Four rows fill a batch at once; a lone request would wait the whole second.
    TestModels.addImageTriage(repo, "max_batch_size: 4\nmax_queue_delay: 1s\n");
    TestModels.addMlp(repo);
    receiver = OtlpReceiver.start();
    Map<String, String> settings = new HashMap<>();
    settings.put("tracing.enabled", "true");
    settings.put("tracing.endpoint", receiver.endpoint());
    settings.put("models.default_model", "image-triage");
    server = TestServer.start(repo, settings);
    logs = LogCapture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    logs.close();
    server.close();
    receiver.close();
    System.clearProperty("otel.bsp.schedule.delay");
  }

  @Test
  void predictRecordsItsPhasesInTheLineTheHeaderAndTheSpan() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict"))
                .header("X-Request-ID", "pipeline-predict")
                .header("X-Request-Timeout-Ms", "5000")
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        TestServer.multipart("b", "file", photo))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    JsonNode line = assertPhasesAgree("pipeline-predict", r.headers(), true);
    assertThat(line.path("protocol").asText()).isEqualTo("http");
    assertThat(line.path("prediction").asText()).isNotEmpty();
  }

  @Test
  void oipImagesRecordTheSamePhasesAsPredict() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
    HttpResponse<byte[]> r = postImages("pipeline-oip-images", List.of(photo));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);

    JsonNode line = assertPhasesAgree("pipeline-oip-images", r.headers(), true);
    assertThat(line.path("route").asText()).isEqualTo("/v2/models/{model}/infer");
    assertThat(line.path("prediction").asText()).isNotEmpty();
  }

  @Test
  void oipTensorsRecordTheSamePhasesAsPredict() throws Exception {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 1024; i++) {
      data.append(i == 0 ? "" : ",").append(i % 7 / 7.0);
    }
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/mlp/infer"))
                .header("X-Request-ID", "pipeline-oip-tensor")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1024],"
                            + "\"data\":["
                            + data
                            + "]}]}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    JsonNode line = assertPhasesAgree("pipeline-oip-tensor", r.headers(), false);
    assertThat(line.path("input_shape").asText()).isEqualTo("[1, 1024]");
    assertThat(line.path("output_shape").asText()).isEqualTo("[1, 10]");
  }

  @Test
  void fourImagesOfOneOipRequestRunAsOneBatch() throws Exception {
    List<byte[]> photos = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      photos.add(Files.readAllBytes(TestModels.labelledPhotos().get(i)));
    }
    long executionsBefore = stats().path("execution_count").asLong();
    long foursBefore = batchesOfSize(4);
    long start = System.nanoTime();

    HttpResponse<byte[]> r = postImages("pipeline-four", photos);

    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    // One after another, each would have waited the whole max_queue_delay of a second alone.
    assertThat(millis).isLessThan(1000);
    assertThat(stats().path("execution_count").asLong()).isEqualTo(executionsBefore + 1);
    assertThat(batchesOfSize(4)).isEqualTo(foursBefore + 1);
    JsonNode labels = JSON.readTree(r.body()).path("outputs").get(0).path("data");
    for (int i = 0; i < 4; i++) {
      assertThat(labels.get(i).asText())
          .isEqualTo(TestModels.expectedClass(TestModels.labelledPhotos().get(i)));
    }
    JsonNode line = canonicalLine("pipeline-four");
    assertThat(line.path("batch_size").asInt()).isEqualTo(4);
    assertThat(line.path("input_shape").asText()).isEqualTo("[4, 3, 224, 224]");
  }

  @Test
  void tritonStatisticsHaveTheRealDurationsTheHistogramsHave() throws Exception {
    for (int i = 0; i < 3; i++) {
      postImages(
          "pipeline-stats-" + i, List.of(Files.readAllBytes(TestModels.labelledPhotos().get(i))));
    }
    JsonNode stats = stats().path("inference_stats");
    String metrics = server.get("/metrics").body();
    double sum =
        sample(
            metrics,
            "inference_request_duration_seconds_sum{model=\"image-triage\",version=\"1\"}");
    double count =
        sample(
            metrics,
            "inference_request_duration_seconds_count{model=\"image-triage\",version=\"1\"}");
    assertThat(stats.path("success").path("count").asDouble()).isEqualTo(count);
    assertThat(stats.path("success").path("ns").asDouble() / 1e9)
        .isCloseTo(sum, org.assertj.core.data.Offset.offset(sum * 0.001 + 1e-6));
    for (String part : List.of("queue", "compute_input", "compute_infer", "compute_output")) {
      assertThat(stats.path(part).path("ns").asLong()).as(part).isPositive();
    }
    assertThat(stats().path("batch_stats").get(0).path("compute_infer").path("ns").asLong())
        .isPositive();
  }

  private static double sample(String metrics, String series) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " is not exposed"));
  }

  /**
   * The canonical line of {@code requestId} has every phase and the outcome, its phase times are
   * those of the {@code Server-Timing} header, and the server span has the phase children.
   */
  private static JsonNode assertPhasesAgree(
      String requestId, java.net.http.HttpHeaders headers, boolean image) {
    JsonNode line = canonicalLine(requestId);
    assertThat(line.path("outcome").asText()).isEqualTo("success");
    assertThat(line.path("model").asText()).isEqualTo(image ? "image-triage" : "mlp");
    assertThat(line.path("batch_size").asInt()).isPositive();
    Map<String, Double> timing = serverTiming(headers.firstValue("Server-Timing").orElseThrow());
    for (String phase : PHASES) {
      assertThat(line.has(phase + "_ms")).as(phase + " in " + line).isTrue();
      // The header is rounded to microseconds; both come from the one record of the request.
      assertThat(line.path(phase + "_ms").asDouble())
          .as(phase)
          .isCloseTo(timing.get(phase), org.assertj.core.data.Offset.offset(0.001));
    }
    assertThat(line.path("compute_ms").asDouble()).isPositive();
    String serverSpan = headers.firstValue("traceparent").orElseThrow().split("-")[2];
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          var found =
              receiver.spans().stream().filter(s -> s.spanId().equals(serverSpan)).findFirst();
          assertThat(found).as("server span " + serverSpan + " exported").isPresent();
          OtlpReceiver.Received span = found.get();
          assertThat(span.attribute("argus.outcome")).hasValue("success");
          assertThat(span.attribute("argus.batch_size")).isPresent();
          assertThat(span.span().getEventsList())
              .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
              .containsSubsequence("decode", "preprocess", "queue", "postprocess");
        });
    return line;
  }

  private static JsonNode canonicalLine(String requestId) {
    return await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                logs.linesOf(requestId).stream()
                    .filter(l -> l.path("message").asText().startsWith("request_completed"))
                    .findFirst()
                    .orElse(null),
            l -> l != null);
  }

  private static Map<String, Double> serverTiming(String header) {
    Map<String, Double> phases = new HashMap<>();
    Matcher m = Pattern.compile("(\\w+);dur=([0-9.]+)").matcher(header);
    while (m.find()) {
      phases.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    assertThat(phases.keySet()).containsExactlyInAnyOrderElementsOf(PHASES);
    return phases;
  }

  /** An OIP request of encoded images as one BYTES input, binary, as tritonclient sends it. */
  private static HttpResponse<byte[]> postImages(String requestId, List<byte[]> images) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (byte[] image : images) {
      data.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(image.length).array());
      data.writeBytes(image);
    }
    String header =
        "{\"inputs\":[{\"name\":\"image\",\"shape\":[%d],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":%d}}],\"outputs\":[{\"name\":\"label\"}]}"
            .formatted(images.size(), data.size());
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(json);
    body.writeBytes(data.toByteArray());
    return server.sendBytes(
        HttpRequest.newBuilder(server.uri("/v2/models/image-triage/infer"))
            .header("X-Request-ID", requestId)
            .header("Content-Type", "application/octet-stream")
            .header("Inference-Header-Content-Length", String.valueOf(json.length))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  private static JsonNode stats() {
    return TestServer.json(server.get("/v2/models/image-triage/stats")).path("model_stats").get(0);
  }

  private static long batchesOfSize(int size) {
    for (JsonNode b : stats().path("batch_stats")) {
      if (b.path("batch_size").asInt() == size) {
        return b.path("compute_infer").path("count").asLong();
      }
    }
    return 0;
  }
}
