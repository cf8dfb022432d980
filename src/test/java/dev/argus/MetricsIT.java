package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.BundledServerTest;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics as Prometheus sees it: a real Prometheus scraping a real Argus. */
class MetricsIT extends BundledServerTest {
  @TempDir static Path dir;

  @Test
  void realPrometheusScrapesRequestCountsAndLatencyForTheModel() throws Exception {
    Path prometheus = ExternalTools.require("prometheus", "prometheus");
    int port = freePort();
    // A second Argus with tracing on (its exporter has nowhere to go, which does not matter here),
    // so exemplars can be followed from Prometheus to the trace.
    TestServer traced =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("tracing.enabled", "true", "tracing.endpoint", "http://127.0.0.1:1"));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: argus
            metrics_path: /metrics
            static_configs: [{targets: ['127.0.0.1:%d']}]
          - job_name: argus-traced
            metrics_path: /metrics
            static_configs: [{targets: ['127.0.0.1:%d']}]
        """
            .formatted(server.server().port(), traced.server().port()));
    Process p =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--enable-feature=exemplar-storage")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try {
      String api = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> status(api + "/-/ready") == 200);
      // Counts from earlier tests are in the first scrape; take the baseline after it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> queryValue(api, "up{job=\"argus\"}", -1) == 1);
      int before =
          (int)
              queryValue(
                  api,
                  "sum(inference_requests_total{job=\"argus\",model=\"image-triage\",outcome=\"success\"})",
                  0);
      for (Path photo : TestModels.labelledPhotos()) {
        assertThat(server.postMultipart("/predict", Files.readAllBytes(photo)).statusCode())
            .isEqualTo(200);
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            assertThat(
                    queryValue(
                        api,
                        "sum(inference_requests_total{job=\"argus\",model=\"image-triage\",version=\"1\",outcome=\"success\"})",
                        -1))
                .isEqualTo(before + 6);
            assertThat(
                    queryValue(
                        api,
                        "sum(inference_request_duration_seconds_count{job=\"argus\",model=\"image-triage\"})",
                        -1))
                .isEqualTo(before + 6);
            assertThat(
                    queryValue(
                        api,
                        "sum(http_server_requests_total{job=\"argus\",route=\"/predict\",method=\"POST\",status=\"200\"})",
                        -1))
                .isGreaterThanOrEqualTo(6);
          });
      assertThat(queryValue(api, "up{job=\"argus\"}", -1)).isEqualTo(1);
      assertThat(
              queryValue(
                  api, "model_loaded{job=\"argus\",model=\"image-triage\",version=\"1\"}", -1))
          .isEqualTo(1);
      assertThat(queryValue(api, "count(process_resident_memory_bytes{job=\"argus\"})", -1))
          .isEqualTo(1);
      assertThat(
              queryValue(
                  api,
                  "sum(inference_phase_duration_seconds_count{job=\"argus\",phase=\"compute\"})",
                  -1))
          .isGreaterThanOrEqualTo(6);

      // From a latency exemplar in Prometheus to the request's trace id.
      String trace = "5bf92f3577b34da6a3ce929d0e0e4799";
      assertThat(
              traced
                  .send(
                      HttpRequest.newBuilder(traced.uri("/predict"))
                          .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                          .header("Content-Type", "multipart/form-data; boundary=b")
                          .POST(
                              HttpRequest.BodyPublishers.ofByteArray(
                                  TestServer.multipart(
                                      "b",
                                      "file",
                                      Files.readAllBytes(TestModels.labelledPhotos().get(0))))))
                  .statusCode())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            assertThat(
                    exemplarTraceIds(
                        api, "inference_request_duration_seconds_bucket{job=\"argus-traced\"}"))
                .contains(trace);
            assertThat(
                    exemplarTraceIds(
                        api,
                        "http_server_request_duration_seconds_bucket{job=\"argus-traced\",route=\"/predict\"}"))
                .contains(trace);
          });
    } finally {
      traced.close();
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void textExpositionPassesPromtoolCheckMetrics() throws Exception {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    server.postMultipart("/predict", Files.readAllBytes(TestModels.labelledPhotos().get(0)));
    server.get("/no/such/path");
    Path exposition = dir.resolve("metrics.txt");
    Files.writeString(exposition, server.get("/metrics").body());

    Process check =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(exposition.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
  }

  @Test
  void metricsAreNegotiatedByAccept() {
    HttpResponse<String> text = server.get("/metrics");
    HttpResponse<String> openMetrics =
        server.send(
            HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0"));
    HttpResponse<String> filtered = server.get("/metrics?name%5B%5D=argus_build_info");
    HttpResponse<String> protobuf =
        server.send(
            HttpRequest.newBuilder(server.uri("/metrics"))
                .header(
                    "Accept",
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"));
    assertThat(protobuf.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/vnd.google.protobuf");

    assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(text.body())
        .contains("# TYPE http_server_requests_total counter", "argus_build_info{");
    assertThat(openMetrics.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/openmetrics-text");
    assertThat(openMetrics.body()).endsWith("# EOF\n");
    assertThat(filtered.body())
        .contains("argus_build_info")
        .doesNotContain("http_server_requests_total");
  }

  @Test
  void unknownPathsAndBogusModelNamesAddAFixedHandfulOfSeries() throws Exception {
    sendBogus(100);
    int afterFirstHundred = seriesCount();

    sendBogus(10_000);
    int afterTenThousand = seriesCount();

    assertThat(afterTenThousand).isEqualTo(afterFirstHundred);
    assertThat(server.get("/metrics").body()).doesNotContain("bogus-");
  }

  private static void sendBogus(int n) throws Exception {
    try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        done.add(
            clients.submit(() -> {
              String random = "bogus-" + UUID.randomUUID();
              if (k % 2 == 0) {
                server.get("/" + random + "/" + k);
              } else {
                server.postJson("/predict/" + random, "{\"image\": \"aGk=\"}");
              }
            }));
      }
      for (var f : done) {
        f.get();
      }
    }
  }

  /** Series of Argus's own metrics (JVM metrics grow on their own, e.g. after a first GC). */
  private static int seriesCount() {
    return (int)
        server
            .get("/metrics")
            .body()
            .lines()
            .filter(
                l -> l.startsWith("http_") || l.startsWith("inference_") || l.startsWith("model_"))
            .count();
  }

  private static double queryValue(String api, String promql, double absent) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            api
                                + "/api/v1/query?query="
                                + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
    return result.isEmpty() ? absent : result.get(0).path("value").get(1).asDouble();
  }

  /** Trace ids of the exemplars Prometheus stored for {@code selector} in the last 10 minutes. */
  private static List<String> exemplarTraceIds(String api, String selector) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            api
                                + "/api/v1/query_exemplars?query="
                                + URLEncoder.encode(selector, StandardCharsets.UTF_8)
                                + "&start="
                                + (now - 600)
                                + "&end="
                                + (now + 60)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    List<String> ids = new ArrayList<>();
    for (JsonNode series : new ObjectMapper().readTree(r.body()).path("data")) {
      for (JsonNode exemplar : series.path("exemplars")) {
        ids.add(exemplar.path("labels").path("trace_id").asText());
      }
    }
    return ids;
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
