package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's JSON and files over real HTTP, on a real server with the bundled model. */
class ConsoleApiIT {
  private static final String TOKEN = "console-admin-token-0123456789";
  private static TestServer server;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    // A latency objective of 1 ms makes every real prediction slow, so the slow ring fills.
    Path yaml = dir.resolve("argus.yaml");
    Files.writeString(
        yaml,
        """
        slo:
          objectives:
            - {name: availability, model: "*", type: availability, target: 0.995, window: 30d}
            - {name: latency, model: "*", type: latency, target: 0.99, threshold: 1ms, window: 30d}
        """);
    server =
        TestServer.start(
            TestModels.bundledRepository(),
            yaml,
            Map.of(
                "tracing.enabled", "true",
                "tracing.endpoint", "http://127.0.0.1:9",
                "console.trace_url", "https://traces.example/trace/{trace_id}?from=argus"),
            true);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> predict(String requestId) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/predict"))
            .header("Content-Type", "multipart/form-data; boundary=b")
            .header("X-Request-ID", requestId)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    TestServer.multipart("b", "file", Files.readAllBytes(photo())))));
  }

  private static Path photo() {
    return TestModels.bundledRepository().resolve("image-triage/test-images/meal_1.jpg");
  }

  private static JsonNode getJson(String path) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return TestServer.json(r);
  }

  @Test
  void overviewShowsEachModelsLiveFiguresAfterRealPredictions() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(predict("overview-" + i).statusCode()).isEqualTo(200);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() ->
            assertThat(
                    getJson("/console/api/overview").at("/models/0/windows/1m/requests").asLong())
                .isGreaterThanOrEqualTo(4));
    JsonNode o = getJson("/console/api/overview");
    assertThat(o.path("version").asText()).isNotEmpty();
    assertThat(o.path("ready").asBoolean()).isTrue();
    assertThat(o.path("uptime_seconds").asDouble()).isPositive();
    assertThat(o.path("readiness").findValuesAsText("name")).contains("model image-triage");
    assertThat(o.at("/console/trace_url").asText()).contains("{trace_id}");
    assertThat(o.at("/memory/heap_used_bytes").asLong()).isPositive();
    JsonNode m = o.at("/models/0");
    assertThat(m.path("name").asText()).isEqualTo("image-triage");
    assertThat(m.path("state").asText()).isEqualTo("ready");
    assertThat(m.path("queue_capacity").asInt()).isPositive();
    assertThat(m.path("slow_threshold_ms").asDouble()).isEqualTo(1.0);
    for (String window : new String[] {"1m", "5m", "15m"}) {
      JsonNode w = m.at("/windows/" + window);
      assertThat(w.path("rate_per_second").asDouble()).as(window).isPositive();
      assertThat(w.path("p50_ms").asDouble()).isPositive();
      assertThat(w.path("p99_ms").asDouble()).isGreaterThanOrEqualTo(w.path("p50_ms").asDouble());
      assertThat(w.path("error_ratio").isNumber()).isTrue();
      assertThat(w.path("mean_batch_size").asDouble()).isGreaterThanOrEqualTo(1);
    }
    assertThat(m.path("slo").findValuesAsText("name")).containsExactly("availability", "latency");
    assertThat(m.at("/slo/0/budget_remaining_ratio").isNumber()).isTrue();
    assertThat(m.at("/drift/state").asText()).isIn("waiting", "ok", "drift");
    int points = m.at("/series/requests").size();
    assertThat(points).isBetween(1, 300);
    assertThat(m.at("/series/p99_ms").size()).isEqualTo(points);
    assertThat(m.at("/series/errors").size()).isEqualTo(points);
    assertThat(getJson("/console/api/overview?series=0").at("/models/0/series").isMissingNode())
        .isTrue();
  }

  @Test
  void aFailedRequestIsListedWithItsIdsTraceLinkAndNoPayload() {
    HttpResponse<String> bad =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict"))
                .header("Content-Type", "application/json")
                .header("X-Request-ID", "console-api-failed-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"SECRETPAYLOAD!!\"}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    String traceId = bad.headers().firstValue("traceparent").orElseThrow().split("-")[1];

    HttpResponse<String> list = server.get("/console/api/requests?kind=failed");
    JsonNode e = entry(TestServer.json(list), "console-api-failed-1");
    assertThat(e.path("kind").asText()).isEqualTo("failed");
    assertThat(e.path("status").asInt()).isEqualTo(400);
    assertThat(e.path("route").asText()).isEqualTo("/predict");
    assertThat(e.path("error_type").asText()).isEqualTo("invalid_input");
    assertThat(e.path("error").asText()).isEqualTo(TestServer.json(bad).path("error").asText());
    assertThat(e.path("trace_id").asText()).isEqualTo(traceId);
    assertThat(e.path("trace_url").asText())
        .isEqualTo("https://traces.example/trace/" + traceId + "?from=argus");
    assertThat(e.path("duration_ms").asDouble()).isPositive();
    assertThat(list.body()).doesNotContain("SECRETPAYLOAD", "127.0.0.1");

    JsonNode one = getJson("/console/api/requests/console-api-failed-1");
    assertThat(one.at("/request/request_id").asText()).isEqualTo("console-api-failed-1");
  }

  @Test
  void slowRequestsCarryTheirPhaseBreakdown() throws Exception {
    assertThat(predict("console-api-slow-1").statusCode()).isEqualTo(200);

    JsonNode e = entry(getJson("/console/api/requests?kind=slow"), "console-api-slow-1");
    assertThat(e.path("kind").asText()).isEqualTo("slow");
    assertThat(e.path("model").asText()).isEqualTo("image-triage");
    assertThat(e.path("outcome").asText()).isEqualTo("success");
    assertThat(e.path("batch_size").asInt()).isPositive();
    double phases = 0;
    for (String p : new String[] {"decode", "preprocess", "queue", "compute", "postprocess"}) {
      assertThat(e.at("/phases_ms/" + p).isNumber()).as(p).isTrue();
      phases += e.at("/phases_ms/" + p).asDouble();
    }
    assertThat(e.path("server_ms").asDouble())
        .isCloseTo(phases, org.assertj.core.data.Offset.offset(0.01));
    assertThat(e.path("duration_ms").asDouble())
        .isGreaterThanOrEqualTo(e.path("server_ms").asDouble());
  }

  @Test
  void filtersSelectByModelAndOutcome() throws Exception {
    server.get("/no/such/endpoint");
    assertThat(predict("console-api-filter-1").statusCode()).isEqualTo(200);

    JsonNode none = getJson("/console/api/requests?outcome=none");
    assertThat(none.path("requests").findValuesAsText("outcome")).isNotEmpty().containsOnly("none");
    JsonNode model = getJson("/console/api/requests?model=image-triage&outcome=success&limit=3");
    assertThat(model.path("requests").size()).isBetween(1, 3);
    assertThat(model.path("requests").findValuesAsText("model")).containsOnly("image-triage");
    assertThat(getJson("/console/api/requests?model=other-model").path("requests")).isEmpty();
  }

  @Test
  void badQueryParametersAre400sNamingTheParameterWithTheRequestId() {
    for (String query :
        new String[] {
          "requests?kind=nope",
          "requests?outcome=bogus",
          "requests?model="
              + URLEncoder.encode("<img src=x onerror=alert(1)>", StandardCharsets.UTF_8),
          "requests?limit=0",
          "requests?limit=ten",
          "overview?series=901"
        }) {
      HttpResponse<String> r = server.get("/console/api/" + query);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      JsonNode body = TestServer.json(r);
      assertThat(body.path("error_type").asText()).isEqualTo("invalid_input");
      assertThat(body.path("error").asText())
          .as(query)
          .startsWith(query.substring(query.indexOf('?') + 1, query.indexOf('=')) + ":");
      assertThat(body.path("request_id").asText())
          .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
    }
  }

  @Test
  void anUnknownOrMalformedRequestIdIsNamed() {
    HttpResponse<String> unknown = server.get("/console/api/requests/never-seen");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(unknown).path("error").asText())
        .contains("not among the recent slow or failed requests");
    HttpResponse<String> malformed = server.get("/console/api/requests/a%20b");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(malformed).path("error").asText()).startsWith("request_id:");
  }

  @Test
  void modelsShowMetadataConfigAsLoadedAndDrift() {
    JsonNode m = getJson("/console/api/models").at("/models/0");

    assertThat(m.path("name").asText()).isEqualTo("image-triage");
    assertThat(m.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(m.at("/inputs/0/shape").size()).isEqualTo(4);
    assertThat(m.at("/outputs/0/name").asText()).isNotEmpty();
    assertThat(m.at("/config/kind").asText()).isEqualTo("image_classifier");
    assertThat(m.at("/config/preprocessing/resize").asText()).isNotEmpty();
    assertThat(m.at("/config/batching/queue_capacity").asInt()).isPositive();
    assertThat(m.at("/batching_effective/max_batch_size").asInt()).isPositive();
    assertThat(m.path("load_ms").asDouble()).isPositive();
    assertThat(m.path("file_bytes").asLong()).isPositive();
    assertThat(m.path("labels").asInt()).isEqualTo(3);
    assertThat(m.at("/drift/enabled").asBoolean()).isTrue();
    assertThat(m.at("/drift/reference/source").asText()).isNotEmpty();
  }

  @Test
  void theFilesComeFromTheJarWithAPolicyThatKeepsThePageToThisOrigin() throws Exception {
    HttpResponse<String> page = server.get("/console");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'self'")
        .doesNotContain("unsafe");
    assertThat(page.body()).contains("console/assets/console.js").doesNotContain("http");

    HttpResponse<byte[]> js =
        server.sendBytes(
            HttpRequest.newBuilder(server.uri("/console/assets/console.js"))
                .header("Accept-Encoding", "gzip"));
    assertThat(js.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String script =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(js.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(script).contains("console/api/overview");
    String etag = js.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        server.send(
            HttpRequest.newBuilder(server.uri("/console/assets/console.js"))
                .header("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);

    assertThat(server.get("/console/assets/../console.html").statusCode()).isEqualTo(404);
    HttpResponse<String> missing = server.get("/console/assets/nope.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(missing).path("error_type").asText()).isEqualTo("not_found");
    assertThat(TestServer.json(missing).path("error").asText())
        .isEqualTo(
            "GET /console/assets/nope.js: no such file (expected: one of charts.js, console.css,"
                + " console.js)");
    assertThat(server.get("/docs").body()).contains("docs/assets/swagger-ui-bundle.js");
    assertThat(server.get("/docs/assets/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
  }

  @Test
  void theScriptsNeverParseServerTextAsMarkup() {
    for (String file : new String[] {"console.js", "charts.js"}) {
      assertThat(server.get("/console/assets/" + file).body())
          .as(file)
          .doesNotContain(
              "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
    }
  }

  @Test
  void offTheConsoleAndTheApiPageAreNotServed() {
    try (TestServer off =
        TestServer.start(TestModels.bundledRepository(), Map.of("console.enabled", "false"))) {
      for (String path : new String[] {"/console", "/console/api/overview", "/docs"}) {
        assertThat(off.get(path).statusCode()).as(path).isEqualTo(404);
      }
    }
  }

  @Test
  void withRequireTokenThePageIsOpenAndItsDataNeedsTheAdminToken() {
    try (TestServer locked =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("admin.token", TOKEN, "console.require_token", "true"))) {
      assertThat(locked.get("/console").statusCode()).isEqualTo(200);
      assertThat(locked.get("/console/api/overview").statusCode()).isEqualTo(401);
      HttpRequest.Builder wrong =
          HttpRequest.newBuilder(locked.uri("/console/api/requests"))
              .header("Authorization", "Bearer " + TOKEN + "x");
      assertThat(locked.send(wrong).statusCode()).isEqualTo(403);
      HttpRequest.Builder right =
          HttpRequest.newBuilder(locked.uri("/console/api/overview"))
              .header("Authorization", "Bearer " + TOKEN);
      HttpResponse<String> ok = locked.send(right);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(ok).at("/console/admin_actions").asBoolean()).isTrue();
    }
  }

  @Test
  void withRequireTokenAndAnAdminPortTheWholeConsoleMovesThere() throws Exception {
    try (TestServer locked =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("admin.token", TOKEN, "console.require_token", "true", "admin.port", "0"))) {
      assertThat(locked.get("/console").statusCode()).isEqualTo(404);
      int adminPort = locked.server().adminPort().orElseThrow();
      HttpResponse<String> page =
          locked.send(
              HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + adminPort + "/console")));
      assertThat(page.statusCode()).isEqualTo(200);
      HttpResponse<String> data =
          locked.send(
              HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + adminPort + "/console/api/overview"))
                  .header("Authorization", "Bearer " + TOKEN));
      assertThat(data.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(data).at("/console/admin_actions").asBoolean()).isTrue();
    }
  }

  private static JsonNode entry(JsonNode list, String requestId) {
    for (JsonNode e : list.path("requests")) {
      if (e.path("request_id").asText().equals(requestId)) {
        return e;
      }
    }
    throw new AssertionError(requestId + " not in " + list.toPrettyString());
  }
}
