package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.FailingRuntime;
import dev.argus.testing.LogCapture;
import dev.argus.testing.OtlpReceiver;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request identity across traces, logs and metrics, checked against a real OTLP/HTTP receiver
 * that decodes what Argus exports: the client's trace continues into Argus with the phase events
 * under the server span, batches are linked both ways to their requests, the log lines and the
 * exemplars carry the same ids, and an exporter whose endpoint is down or never answers costs the
 * requests nothing but is counted.
 */
class TracingIT {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String CLIENT_PARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

  @BeforeAll
  static void exportQuickly() {
    // OTEL_BSP_SCHEDULE_DELAY's system-property spelling: spans leave within 50 ms, not 5 s.
    System.setProperty("otel.bsp.schedule.delay", "50");
  }

  @AfterAll
  static void restore() {
    System.clearProperty("otel.bsp.schedule.delay");
  }

  private static Map<String, String> tracingTo(String endpoint, String... more) {
    Map<String, String> settings = new HashMap<>();
    settings.put("tracing.enabled", "true");
    settings.put("tracing.endpoint", endpoint);
    settings.put("tracing.environment", "it");
    for (int i = 0; i < more.length; i += 2) {
      settings.put(more[i], more[i + 1]);
    }
    return settings;
  }

  private static HttpRequest.Builder predict(TestServer server, byte[] photo) {
    return HttpRequest.newBuilder(server.uri("/predict/image-triage"))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofByteArray(TestServer.multipart("b", "file", photo)));
  }

  @Test
  void clientTraceContinuesWithPhaseSpansResourceAndExemplars() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(TestModels.bundledRepository(), tracingTo(receiver.endpoint()))) {
      HttpResponse<String> response =
          server.send(
              predict(server, photo)
                  .header("traceparent", CLIENT_PARENT)
                  .header("X-Request-ID", "traced-1"));

      assertThat(response.statusCode()).isEqualTo(200);
      String traceparent = response.headers().firstValue("traceparent").orElseThrow();
      assertThat(traceparent).matches("00-" + CLIENT_TRACE + "-[0-9a-f]{16}-01");
      String serverSpanId = traceparent.split("-")[2];

      OtlpReceiver.Received serverSpan =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> find(receiver, serverSpanId), s -> s != null);
      assertThat(serverSpan.traceId()).isEqualTo(CLIENT_TRACE);
      assertThat(serverSpan.parentSpanId()).isEqualTo(CLIENT_SPAN);
      assertThat(serverSpan.name()).isEqualTo("POST /predict/{model}");
      assertThat(serverSpan.span().getKind())
          .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(serverSpan.attribute("http.route")).hasValue("/predict/{model}");
      assertThat(serverSpan.attribute("http.response.status_code")).hasValue("200");
      assertThat(serverSpan.attribute("argus.request_id")).hasValue("traced-1");
      assertThat(serverSpan.attribute("argus.model")).hasValue("image-triage");
      assertThat(serverSpan.attribute("argus.model_version")).hasValue("1");
      assertThat(serverSpan.attribute("argus.input_shape")).hasValue("[1, 3, 224, 224]");
      assertThat(serverSpan.attribute("argus.output_shape")).hasValue("[1, 3]");
      assertThat(serverSpan.attribute("argus.prediction"))
          .hasValue(TestServer.json(response).path("prediction").asText());
      assertThat(serverSpan.attribute("argus.confidence")).isPresent();
      assertThat(serverSpan.resource())
          .containsEntry("service.name", "argus")
          .containsEntry("deployment.environment", "it")
          .containsKeys("service.version", "host.name");

      // The phases are events on the server span, in order, inside it, each with its duration;
      // no span per phase (tracing.phase_spans is off by default).
      assertThat(serverSpan.span().getEventsList())
          .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
          .containsSubsequence("decode", "preprocess", "queue", "compute", "postprocess");
      long previous = 0;
      for (var event : serverSpan.span().getEventsList()) {
        assertThat(event.getTimeUnixNano())
            .isGreaterThanOrEqualTo(
                Math.max(previous, serverSpan.span().getStartTimeUnixNano() - 1_000_000))
            .isLessThanOrEqualTo(serverSpan.span().getEndTimeUnixNano() + 1_000_000);
        assertThat(event.getAttributesList())
            .anySatisfy(a -> {
              assertThat(a.getKey()).isEqualTo("argus.duration_ms");
              assertThat(a.getValue().getDoubleValue()).isNotNegative();
            });
        previous = event.getTimeUnixNano();
      }
      assertThat(receiver.spans()).noneMatch(s -> s.parentSpanId().equals(serverSpanId));
      // The batch that ran it links to the request span, and the request span links back.
      OtlpReceiver.Received batch =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      receiver.spans().stream()
                          .filter(s -> s.linkedSpanIds().contains(serverSpanId))
                          .findFirst()
                          .orElse(null),
                  s -> s != null);
      assertThat(batch.name()).isEqualTo("batch image-triage");
      assertThat(batch.attribute("argus.batch_size")).hasValue("1");
      assertThat(batch.attribute("argus.model")).hasValue("image-triage");
      assertThat(serverSpan.linkedSpanIds()).contains(batch.spanId());

      String openMetrics =
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/metrics"))
                      .header("Accept", "application/openmetrics-text; version=1.0.0"))
              .body();
      assertThat(openMetrics)
          .containsPattern(
              "http_server_request_duration_seconds_bucket\\{[^}]*route=\"/predict/\\{model\\}\"[^}]*\\} \\d+ # \\{[^}]*trace_id=\""
                  + CLIENT_TRACE
                  + "\"")
          .containsPattern(
              "inference_request_duration_seconds_bucket\\{[^}]*\\} \\d+ # \\{[^}]*trace_id=\""
                  + CLIENT_TRACE
                  + "\"");
      HttpResponse<String> fresh = server.get("/health");
      assertThat(fresh.headers().firstValue("traceparent").orElseThrow())
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]") // 03: W3C level 2 random trace id
          .doesNotContain(CLIENT_TRACE);
    }
  }

  @Test
  void aModelThatDoesNotBatchRecordsItsCallOnTheServerSpanWithoutABatchSpan(@TempDir Path repo)
      throws Exception {
    TestModels.addMlp(repo); // batching off: max_batch_size 1 by default
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 1024; i++) {
      data.append(i == 0 ? "" : ",").append(i % 5 / 5.0);
    }
    String body =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1024],\"data\":["
            + data
            + "]}]}";
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server = TestServer.start(repo, tracingTo(receiver.endpoint()))) {
      List<String> serverSpanIds = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> response =
            server.send(
                HttpRequest.newBuilder(server.uri("/v2/models/mlp/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        serverSpanIds.add(response.headers().firstValue("traceparent").orElseThrow().split("-")[2]);
      }
      // Spans leave in the order they ended: once the second request's server span is in, any
      // span the first request's call made would be too.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> find(receiver, serverSpanIds.get(1)), s -> s != null);
      OtlpReceiver.Received first = find(receiver, serverSpanIds.get(0));
      assertThat(first).isNotNull();
      assertThat(first.span().getEventsList())
          .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
          .containsSubsequence("decode", "queue", "compute", "postprocess");
      assertThat(first.span().getEventsList())
          .filteredOn(e -> e.getName().equals("compute"))
          .singleElement()
          .satisfies(e ->
              assertThat(e.getAttributesList())
                  .anySatisfy(a -> {
                    assertThat(a.getKey()).isEqualTo("argus.duration_ms");
                    assertThat(a.getValue().getDoubleValue()).isPositive();
                  }));
      assertThat(first.attribute("argus.batch_size")).hasValue("1");
      assertThat(first.linkedSpanIds()).isEmpty();
      assertThat(receiver.spans()).noneMatch(span -> span.name().startsWith("batch "));
      assertThat(receiver.spans()).hasSize(2);
    }
  }

  @Test
  void phaseSpansGiveEachPhaseItsOwnChildSpanInsideTheServerSpan() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tracingTo(receiver.endpoint(), "tracing.phase_spans", "true"))) {
      HttpResponse<String> response = server.send(predict(server, photo));
      assertThat(response.statusCode()).isEqualTo(200);
      String serverSpanId =
          response.headers().firstValue("traceparent").orElseThrow().split("-")[2];
      OtlpReceiver.Received serverSpan =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> find(receiver, serverSpanId), s -> s != null);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() ->
              assertThat(receiver.spans())
                  .filteredOn(s -> s.parentSpanId().equals(serverSpanId))
                  .extracting(OtlpReceiver.Received::name)
                  .contains("decode", "preprocess", "queue", "compute", "postprocess"));
      for (OtlpReceiver.Received child : receiver.spans()) {
        if (child.parentSpanId().equals(serverSpanId)) {
          assertThat(child.traceId()).isEqualTo(serverSpan.traceId());
          assertThat(child.span().getStartTimeUnixNano())
              .isGreaterThanOrEqualTo(serverSpan.span().getStartTimeUnixNano() - 1_000_000);
          assertThat(child.span().getEndTimeUnixNano())
              .isLessThanOrEqualTo(serverSpan.span().getEndTimeUnixNano() + 1_000_000);
        }
      }
      assertThat(serverSpan.span().getEventsList())
          .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
          .doesNotContain("decode", "queue");
    }
  }

  @Test
  void twoRequestsInOneBatchShareOneBatchSpanLinkedBothWays(@TempDir Path repo) throws Exception {
    // A batch forms when two requests wait, well before the long delay.
    TestModels.addImageTriage(repo, "max_batch_size: 2\nmax_queue_delay: 1s\n");
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server = TestServer.start(repo, tracingTo(receiver.endpoint()))) {
      // Two requests sent together share a batch when the second is admitted before the first has
      // been decoded; on a busy machine a pair can miss, so a few pairs are sent until one does.
      for (int attempt = 0; attempt < 5; attempt++) {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          pending.add(CompletableFuture.supplyAsync(() -> server.send(predict(server, photo))));
        }
        List<String> requestSpans = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> p : pending) {
          HttpResponse<String> r = p.get();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          requestSpans.add(r.headers().firstValue("traceparent").orElseThrow().split("-")[2]);
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> requestSpans.stream().allMatch(id -> find(receiver, id) != null));
        List<String> batchIds =
            requestSpans.stream()
                .map(id -> find(receiver, id).linkedSpanIds())
                .flatMap(List::stream)
                .distinct()
                .toList();
        if (batchIds.size() != 1) {
          continue; // each ran in a batch of its own
        }
        OtlpReceiver.Received batch =
            await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> find(receiver, batchIds.get(0)), b -> b != null);
        assertThat(batch.name()).isEqualTo("batch image-triage");
        assertThat(batch.attribute("argus.batch_size")).hasValue("2");
        assertThat(batch.linkedSpanIds()).containsExactlyInAnyOrderElementsOf(requestSpans);
        for (String id : requestSpans) {
          assertThat(find(receiver, id).linkedSpanIds()).containsExactly(batch.spanId());
        }
        return;
      }
      throw new AssertionError("no pair of requests shared a batch in 5 tries");
    }
  }

  @Test
  void everyLogLineOfARequestCarriesItsIdsAndTheCanonicalLineHasEveryField() throws Exception {
    LogCapture logs = LogCapture.start();
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(2));
    String token = "an-admin-token-for-tests";
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tracingTo(receiver.endpoint(), "admin.token", token))) {
      // DEBUG for Argus, so requests log more than their canonical line.
      HttpResponse<String> debug =
          server.send(
              HttpRequest.newBuilder(server.uri("/admin/logging"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"level\":\"DEBUG\",\"logger\":\"dev.argus\"}")));
      assertThat(debug.statusCode()).isEqualTo(200);
      try {
        List<HttpResponse<String>> responses = new ArrayList<>();
        responses.add(server.send(predict(server, photo)));
        responses.add(
            server.send(
                predict(server, "not an image".getBytes(StandardCharsets.UTF_8))
                    .header("X-Request-ID", "bad-image-1")));
        assertThat(responses.get(0).statusCode()).isEqualTo(200);
        assertThat(responses.get(1).statusCode()).isEqualTo(400);

        for (HttpResponse<String> response : responses) {
          String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
          String[] traceparent =
              response.headers().firstValue("traceparent").orElseThrow().split("-");
          String serverSpanId = traceparent[2];
          OtlpReceiver.Received span =
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> find(receiver, serverSpanId), s -> s != null);
          assertThat(span.traceId()).isEqualTo(traceparent[1]);
          List<JsonNode> lines =
              await()
                  .atMost(Duration.ofSeconds(5))
                  .until(() -> logs.linesOf(requestId), l -> !l.isEmpty());
          for (JsonNode line : lines) {
            assertThat(line.path("trace_id").asText())
                .as(line.toString())
                .isEqualTo(span.traceId());
            assertThat(line.path("span_id").asText()).isEqualTo(serverSpanId);
            assertThat(line.path("trace_flags").asText()).isEqualTo(traceparent[3]);
            assertThat(line.path("model").asText()).isEqualTo("image-triage");
            assertThat(line.path("model_version").asText()).isEqualTo("1");
          }
        }
        JsonNode completed =
            logs.linesOf(responses.get(0).headers().firstValue("X-Request-ID").get()).stream()
                .filter(l -> l.path("message").asText().startsWith("request_completed"))
                .findFirst()
                .orElseThrow();
        for (String field : AccessLogIT.CANONICAL_FIELDS) {
          assertThat(completed.has(field)).as(field + " in " + completed).isTrue();
        }
        // The refused request also logged at DEBUG, each line with its ids (checked above).
        assertThat(logs.linesOf("bad-image-1")).hasSizeGreaterThanOrEqualTo(2);
        JsonNode failed =
            logs.linesOf("bad-image-1").stream()
                .filter(l -> l.path("message").asText().startsWith("request_failed"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.path("error_type").asText()).isEqualTo("invalid_input");
        assertThat(failed.path("error").asText()).isNotEmpty();
        assertThat(failed.has("stack_trace")).as("no stack trace for a 4xx").isFalse();
        // The batch worker's lines name the model and the batch span's trace.
        assertThat(logs.events())
            .anySatisfy(e -> {
              assertThat(e.getFormattedMessage()).startsWith("batch of 1 requests");
              assertThat(e.getMDCPropertyMap())
                  .containsEntry("model", "image-triage")
                  .containsKey("trace_id");
            });
      } finally {
        server.send(
            HttpRequest.newBuilder(server.uri("/admin/logging"))
                .header("Authorization", "Bearer " + token)
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"level\":\"INFO\",\"logger\":\"dev.argus\"}")));
      }
    } finally {
      logs.close();
    }
  }

  @Test
  void anExporterThatIsDownOrNeverAnswersCostsRequestsNothingAndIsCounted() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(3));
    long baseline;
    try (TestServer plain = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      baseline = medianMillis(plain, photo);
    }
    try (OtlpReceiver hole = OtlpReceiver.blackHole()) {
      String down;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        down = "http://127.0.0.1:" + free.getLocalPort(); // closed once this block ends
      }
      for (String endpoint : List.of(down, hole.endpoint())) {
        try (TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tracingTo(endpoint, "tracing.export_timeout", "300ms"))) {
          long median = medianMillis(server, photo);
          // Same machine, same run: the exporter's trouble does not reach the requests.
          assertThat(median).as(endpoint).isLessThanOrEqualTo(baseline * 3 + 50);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(() ->
                  assertThat(droppedSpans(server, "export_failed")).as(endpoint).isPositive());
        }
      }
      assertThat(hole.heldConnections()).isPositive();
    }
  }

  @Test
  void aRuntimeFailureMarksTheSpansFailedAndLogsItsStackTrace() throws Exception {
    LogCapture logs = LogCapture.start();
    AtomicBoolean failing = new AtomicBoolean();
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(4));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tracingTo(receiver.endpoint()),
                new FailingRuntime(failing),
                true)) {
      failing.set(true);
      HttpResponse<String> response =
          server.send(predict(server, photo).header("X-Request-ID", "runtime-failure-1"));

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(TestServer.json(response).path("error_type").asText())
          .isEqualTo("inference_failed");
      String serverSpanId =
          response.headers().firstValue("traceparent").orElseThrow().split("-")[2];
      OtlpReceiver.Received serverSpan =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> find(receiver, serverSpanId), s -> s != null);
      assertThat(serverSpan.span().getStatus().getCode())
          .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(serverSpan.span().getEventsList())
          .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
          .contains("exception");
      String batchId = serverSpan.linkedSpanIds().get(0);
      OtlpReceiver.Received batch =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> find(receiver, batchId), s -> s != null);
      assertThat(batch.span().getStatus().getCode())
          .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);

      JsonNode failed =
          await()
              .atMost(Duration.ofSeconds(5))
              .until(
                  () ->
                      logs.linesOf("runtime-failure-1").stream()
                          .filter(l -> l.path("message").asText().startsWith("request_failed"))
                          .findFirst()
                          .orElse(null),
                  l -> l != null);
      assertThat(failed.path("level").asText()).isEqualTo("ERROR");
      assertThat(failed.path("error_type").asText()).isEqualTo("inference_failed");
      assertThat(failed.path("stack_trace").asText()).contains("injected runtime failure");
      // The batch worker's warning carries the batch span's trace, not a request's.
      assertThat(logs.events())
          .anySatisfy(e -> {
            assertThat(e.getFormattedMessage()).contains("batch of 1 requests failed");
            assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", batch.traceId());
          });
      failing.set(false);
      assertThat(server.send(predict(server, photo)).statusCode()).isEqualTo(200);
    } finally {
      logs.close();
    }
  }

  @Test
  void tracingOffSendsNoTraceparentAndCountsNothing() {
    try (TestServer server = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      HttpResponse<String> response =
          server.send(
              HttpRequest.newBuilder(server.uri("/health")).header("traceparent", CLIENT_PARENT));

      assertThat(response.headers().firstValue("traceparent")).isEmpty();
      assertThat(droppedSpans(server, "export_failed")).isZero();
      assertThat(droppedSpans(server, "queue_full")).isZero();
      assertThat(Thread.getAllStackTraces().keySet())
          .extracting(Thread::getName)
          .noneMatch(n -> n.startsWith("BatchSpanProcessor"));
    }
  }

  private static long medianMillis(TestServer server, byte[] photo) {
    long[] millis = new long[15];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      assertThat(server.send(predict(server, photo)).statusCode()).isEqualTo(200);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    return millis[millis.length / 2];
  }

  private static long droppedSpans(TestServer server, String reason) {
    Matcher m =
        Pattern.compile(
                "(?m)^tracing_spans_dropped_total\\{reason=\"" + reason + "\"\\} ([0-9.eE+]+)$")
            .matcher(server.get("/metrics").body());
    assertThat(m.find()).as("tracing_spans_dropped_total{reason=" + reason + "}").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static OtlpReceiver.Received find(OtlpReceiver receiver, String spanId) {
    return receiver.spans().stream()
        .filter(s -> s.spanId().equals(spanId))
        .findFirst()
        .orElse(null);
  }
}
