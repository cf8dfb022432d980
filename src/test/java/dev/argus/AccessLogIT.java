package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.observe.CanonicalLine;
import dev.argus.observe.JsonLineEncoder;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One canonical JSON line per request, with the fields operators look for, and Server-Timing. */
class AccessLogIT {
  /** What the canonical line of a successful prediction holds. */
  static final List<String> CANONICAL_FIELDS =
      List.of(
          "method",
          "route",
          "status",
          "duration_ms",
          "decode_ms",
          "preprocess_ms",
          "queue_ms",
          "compute_ms",
          "postprocess_ms",
          "batch_size",
          "input_shape",
          "output_shape",
          "bytes_in",
          "bytes_out",
          "prediction",
          "confidence",
          "outcome",
          "client_address",
          "model",
          "model_version");

  private static TestServer server;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static final JsonLineEncoder json = new JsonLineEncoder();

  @BeforeAll
  static void start() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    json.setContext(context);
    json.start();
    logs.start();
    access().addAppender(logs);
    CanonicalLine.fieldsInMessage(false); // the lines as JSON logs make them: read as JSON below
    server = TestServer.start(TestModels.bundledRepository(), Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
    access().detachAppender(logs);
    CanonicalLine.fieldsInMessage(true);
  }

  @Test
  void successfulPredictionLogsOneCompleteCanonicalLine() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict/image-triage"))
                .header("X-Request-ID", "canonical-1")
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        TestServer.multipart("b", "file", photo))));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode line = awaitLine("canonical-1");
    assertThat(line.path("message").asText()).startsWith("request_completed");
    for (String field : CANONICAL_FIELDS) {
      assertThat(line.has(field)).as(field + " in " + line).isTrue();
    }
    assertThat(line.path("route").asText()).isEqualTo("/predict/{model}");
    assertThat(line.path("status").asInt()).isEqualTo(200);
    assertThat(line.path("input_shape").asText()).isEqualTo("[1, 3, 224, 224]");
    assertThat(line.path("output_shape").asText()).isEqualTo("[1, 3]");
    assertThat(line.path("prediction").asText()).isEqualTo("food");
    assertThat(line.path("outcome").asText()).isEqualTo("success");
    assertThat(line.path("model").asText()).isEqualTo("image-triage");
    assertThat(line.path("client_address").asText()).isEqualTo("127.0.0.1");
    assertThat(line.path("bytes_in").asLong()).isGreaterThan(photo.length);
    assertThat(line.path("bytes_out").asLong()).isEqualTo(response.body().getBytes().length);

    String timing = response.headers().firstValue("Server-Timing").orElseThrow();
    assertThat(timing)
        .matches(
            "decode;dur=[0-9.]+, preprocess;dur=[0-9.]+, queue;dur=[0-9.]+, compute;dur=[0-9.]+, postprocess;dur=[0-9.]+");
  }

  @Test
  void failedRequestLogsRequestFailedWithTheErrorType() throws Exception {
    server.send(
        HttpRequest.newBuilder(server.uri("/predict/image-triage"))
            .header("X-Request-ID", "canonical-2")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"%%%\"}")));

    JsonNode line = awaitLine("canonical-2");
    assertThat(line.path("message").asText()).startsWith("request_failed");
    assertThat(line.path("error_type").asText()).isEqualTo("invalid_input");
    assertThat(line.path("error").asText()).contains("base64");
    assertThat(line.path("status").asInt()).isEqualTo(400);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.has("stack_trace")).isFalse();
  }

  @Test
  void payloadLoggingShowsBodiesCutAndImagesOnlyAsSizeAndHash() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer logging =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("logging.log_payloads", "true", "logging.payload_max_bytes", "64"))) {
      logging.send(
          HttpRequest.newBuilder(logging.uri("/predict/image-triage"))
              .header("X-Request-ID", "payload-1")
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"image\": \"" + Base64.getEncoder().encodeToString(photo) + "\"}")));

      JsonNode line = awaitLine("payload-1");
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo));
      assertThat(line.path("request_payload").asText())
          .isEqualTo(
              "{\"image\":{\"bytes\":"
                  + photo.length
                  + ",\"sha256\":\""
                  + sha256
                  + "\"},\"top_k\":0}");
      assertThat(line.path("response_payload").asText())
          .startsWith("{\"model\":\"image-triage\"")
          .matches("(?s).{64}\\.\\.\\.\\(\\d+ more bytes\\)");
    }
    // Off by default: the shared server logs no payloads.
    server.send(
        HttpRequest.newBuilder(server.uri("/predict/image-triage"))
            .header("X-Request-ID", "payload-2")
            .header("Content-Type", "multipart/form-data; boundary=b")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(TestServer.multipart("b", "file", photo))));
    JsonNode plain = awaitLine("payload-2");
    assertThat(plain.has("request_payload")).isFalse();
    assertThat(plain.has("response_payload")).isFalse();
  }

  private static JsonNode awaitLine(String requestId) {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> {
          synchronized (logs) {
            for (ILoggingEvent e : logs.list) {
              if (requestId.equals(e.getMDCPropertyMap().get("request_id"))) {
                found[0] = mapper.readTree(json.encode(e));
                return true;
              }
            }
          }
          return false;
        });
    return found[0];
  }

  private static Logger access() {
    return (Logger) LoggerFactory.getLogger("dev.argus.access");
  }
}
