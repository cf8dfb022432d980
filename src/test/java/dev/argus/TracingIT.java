package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One request identity across traces, logs and metrics: the client's trace continues into Argus,
 * comes back in traceparent, and the same trace id is in the log line and the latency exemplar. The
 * OTLP endpoint here is a closed port, so this also shows a dead exporter does not hurt serving.
 */
class TracingIT {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_PARENT = "00-" + CLIENT_TRACE + "-00f067aa0ba902b7-01";

  @Test
  void clientTraceContinuesIntoResponseLogsAndExemplars() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger access = (Logger) LoggerFactory.getLogger("dev.argus.access");
    access.addAppender(logs);
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("tracing.enabled", "true", "tracing.endpoint", "http://127.0.0.1:1"))) {
      HttpResponse<String> response =
          server.send(
              HttpRequest.newBuilder(server.uri("/predict"))
                  .header("traceparent", CLIENT_PARENT)
                  .header("X-Request-ID", "traced-1")
                  .header("Content-Type", "multipart/form-data; boundary=b")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          TestServer.multipart("b", "file", photo))));

      assertThat(response.statusCode()).isEqualTo(200);
      String traceparent = response.headers().firstValue("traceparent").orElseThrow();
      assertThat(traceparent).matches("00-" + CLIENT_TRACE + "-[0-9a-f]{16}-01");
      assertThat(traceparent).doesNotContain("00f067aa0ba902b7");
      String serverSpan = traceparent.split("-")[2];

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> {
            synchronized (logs) {
              assertThat(logs.list)
                  .anySatisfy(e -> {
                    assertThat(e.getMDCPropertyMap()).containsEntry("request_id", "traced-1");
                    assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", CLIENT_TRACE);
                    assertThat(e.getMDCPropertyMap()).containsEntry("span_id", serverSpan);
                    assertThat(e.getMDCPropertyMap()).containsEntry("trace_flags", "01");
                  });
            }
          });
      String openMetrics =
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/metrics"))
                      .header("Accept", "application/openmetrics-text; version=1.0.0"))
              .body();
      assertThat(openMetrics)
          .containsPattern(
              "http_server_request_duration_seconds_bucket\\{[^}]*route=\"/predict\"[^}]*\\} \\d+ # \\{[^}]*trace_id=\""
                  + CLIENT_TRACE
                  + "\"")
          .containsPattern(
              "inference_request_duration_seconds_bucket\\{[^}]*\\} \\d+ # \\{[^}]*trace_id=\""
                  + CLIENT_TRACE
                  + "\"");

      // With the exporter unreachable, requests keep succeeding promptly.
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
      }
      HttpResponse<String> fresh = server.get("/health");
      assertThat(fresh.headers().firstValue("traceparent").orElseThrow())
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]") // 03: W3C level 2 random trace id
          .doesNotContain(CLIENT_TRACE);
    } finally {
      access.detachAppender(logs);
    }
  }

  @Test
  void tracingOffSendsNoTraceparent() {
    try (TestServer server = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      HttpResponse<String> response =
          server.send(
              HttpRequest.newBuilder(server.uri("/health")).header("traceparent", CLIENT_PARENT));

      assertThat(response.headers().firstValue("traceparent")).isEmpty();
    }
  }
}
