package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.argus.testing.FailingRuntime;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tail-based sampling against a real OTLP/HTTP receiver: with no share kept ({@code ratio: 0}),
 * only the traces of failed, slow and caller-sampled requests reach it, each with its server span
 * and the batch span that ran it; exemplars point only to kept traces; the buffer's cap holds under
 * load and what it drops is counted.
 */
class TailSamplingIT {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_PARENT = "00-" + CLIENT_TRACE + "-00f067aa0ba902b7-01";
  private static final String UNSAMPLED_PARENT =
      "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

  @BeforeAll
  static void exportQuickly() {
    // OTEL_BSP_SCHEDULE_DELAY's system-property spelling: spans leave within 50 ms, not 5 s.
    System.setProperty("otel.bsp.schedule.delay", "50");
  }

  @AfterAll
  static void restore() {
    System.clearProperty("otel.bsp.schedule.delay");
  }

  private static Map<String, String> tail(String endpoint, String... more) {
    Map<String, String> settings = new HashMap<>();
    settings.put("tracing.enabled", "true");
    settings.put("tracing.endpoint", endpoint);
    settings.put("tracing.tail.enabled", "true");
    settings.put("tracing.tail.ratio", "0");
    settings.put("tracing.tail.latency_threshold", "10s");
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
  void onlyFailedAndCallerSampledRequestsAreExportedWithTheirSpansAndExemplars() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tail(receiver.endpoint()),
                new FailingRuntime(failing),
                true)) {
      List<String> ordinary = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ordinary.add(traceOf(ok(server.send(predict(server, photo)))));
      }
      // A caller that did not sample is traced here, but not kept for that.
      ordinary.add(
          traceOf(ok(server.send(predict(server, photo).header("traceparent", UNSAMPLED_PARENT)))));
      HttpResponse<String> badInput =
          server.send(predict(server, "not an image".getBytes(StandardCharsets.UTF_8)));
      assertThat(badInput.statusCode()).isEqualTo(400);
      ordinary.add(traceOf(badInput));

      failing.set(true);
      HttpResponse<String> failed = server.send(predict(server, photo));
      failing.set(false);
      assertThat(failed.statusCode()).isEqualTo(500);
      String failedSpan = spanOf(failed);

      OtlpReceiver.Received serverSpan = awaitSpan(receiver, failedSpan);
      assertThat(serverSpan.attribute("http.response.status_code")).hasValue("500");
      OtlpReceiver.Received batch = awaitBatchLinkedTo(receiver, failedSpan);
      assertThat(serverSpan.linkedSpanIds()).contains(batch.spanId());

      // Caller-sampled: kept, and exemplars may point to it (and to nothing dropped).
      Set<String> exemplars = new HashSet<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> {
            ok(server.send(predict(server, photo).header("traceparent", CLIENT_PARENT)));
            exemplars.clear();
            exemplars.addAll(exemplarTraceIds(server));
            assertThat(exemplars).contains(CLIENT_TRACE);
          });
      awaitTrace(receiver, CLIENT_TRACE);

      Set<String> exported = new HashSet<>();
      receiver.spans().forEach(s -> exported.add(s.traceId()));
      assertThat(exported).doesNotContainAnyElementsOf(ordinary);
      assertThat(exemplars).isSubsetOf(exported);
      String metrics = server.get("/metrics").body();
      assertThat(
              counter(metrics, "tracing_tail_traces_total", "decision=\"kept\",reason=\"error\""))
          .isEqualTo(1);
      assertThat(
              counter(
                  metrics,
                  "tracing_tail_traces_total",
                  "decision=\"kept\",reason=\"caller_sampled\""))
          .isPositive();
      assertThat(
              counter(metrics, "tracing_tail_traces_total", "decision=\"dropped\",reason=\"none\""))
          .isGreaterThanOrEqualTo(ordinary.size());
    }
  }

  @Test
  void slowRequestsAndClientErrorsAreKeptWhenTheRulesSaySo() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                TestModels.bundledRepository(),
                tail(
                    receiver.endpoint(),
                    "tracing.tail.latency_threshold",
                    "1ms",
                    "tracing.tail.keep_client_errors",
                    "true"))) {
      String slow = spanOf(ok(server.send(predict(server, photo))));
      HttpResponse<String> badInput =
          server.send(predict(server, "not an image".getBytes(StandardCharsets.UTF_8)));
      assertThat(badInput.statusCode()).isEqualTo(400);

      awaitSpan(receiver, slow);
      awaitBatchLinkedTo(receiver, slow);
      assertThat(awaitSpan(receiver, spanOf(badInput)).attribute("http.response.status_code"))
          .hasValue("400");
      String metrics = server.get("/metrics").body();
      assertThat(counter(metrics, "tracing_tail_traces_total", "decision=\"kept\",reason=\"slow\""))
          .isPositive();
      assertThat(
              counter(
                  metrics,
                  "tracing_tail_traces_total",
                  "decision=\"kept\",reason=\"client_error\""))
          .isEqualTo(1);
    }
  }

  @Test
  void theBufferCapHoldsUnderLoadAndItsDropsAreCounted(@TempDir Path repo) throws Exception {
    TestModels.addImageTriage(repo, "max_batch_size: 4\nmax_queue_delay: 5ms\n");
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(2));
    int cap = 2;
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestServer server =
            TestServer.start(
                repo,
                // Phase child spans (four per request, held until its server span ends) make
                // every request need more room than the cap: the drops are certain, not timing.
                tail(
                    receiver.endpoint(),
                    "tracing.tail.max_buffered_spans",
                    "" + cap,
                    "tracing.phase_spans",
                    "true"));
        ExecutorService clients = Executors.newFixedThreadPool(8)) {
      AtomicLong mostBuffered = new AtomicLong();
      AtomicBoolean loading = new AtomicBoolean(true);
      CompletableFuture<Void> watcher =
          CompletableFuture.runAsync(() -> {
            while (loading.get()) {
              long now = gauge(server.get("/metrics").body(), "tracing_tail_buffered_spans");
              mostBuffered.accumulateAndGet(now, Math::max);
            }
          });
      List<CompletableFuture<Integer>> requests = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        requests.add(
            CompletableFuture.supplyAsync(
                () -> server.send(predict(server, photo)).statusCode(), clients));
      }
      for (CompletableFuture<Integer> r : requests) {
        assertThat(r.get()).isEqualTo(200);
      }
      loading.set(false);
      watcher.get();

      String metrics = server.get("/metrics").body();
      assertThat(mostBuffered.get()).isLessThanOrEqualTo(cap);
      assertThat(gauge(metrics, "tracing_tail_buffered_spans")).isZero();
      assertThat(counter(metrics, "tracing_spans_dropped_total", "reason=\"tail_buffer_full\""))
          .isPositive();
      assertThat(
              counter(metrics, "tracing_tail_traces_total", "decision=\"dropped\",reason=\"none\""))
          .isGreaterThanOrEqualTo(64);
      assertThat(receiver.spans()).isEmpty();
    }
  }

  private static HttpResponse<String> ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private static String traceOf(HttpResponse<String> response) {
    return response.headers().firstValue("traceparent").orElseThrow().split("-")[1];
  }

  private static String spanOf(HttpResponse<String> response) {
    return response.headers().firstValue("traceparent").orElseThrow().split("-")[2];
  }

  private static OtlpReceiver.Received awaitSpan(OtlpReceiver receiver, String spanId) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                receiver.spans().stream()
                    .filter(s -> s.spanId().equals(spanId))
                    .findFirst()
                    .orElse(null),
            s -> s != null);
  }

  private static void awaitTrace(OtlpReceiver receiver, String traceId) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> receiver.spans().stream().anyMatch(s -> s.traceId().equals(traceId)));
  }

  private static OtlpReceiver.Received awaitBatchLinkedTo(OtlpReceiver receiver, String spanId) {
    OtlpReceiver.Received batch =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    receiver.spans().stream()
                        .filter(s -> s.linkedSpanIds().contains(spanId))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    assertThat(batch.name()).isEqualTo("batch image-triage");
    return batch;
  }

  /** Trace ids of the exemplars /metrics serves in OpenMetrics. */
  private static Set<String> exemplarTraceIds(TestServer server) {
    String body =
        server
            .send(
                HttpRequest.newBuilder(server.uri("/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0"))
            .body();
    Set<String> ids = new HashSet<>();
    Matcher m = Pattern.compile("trace_id=\"([0-9a-f]{32})\"").matcher(body);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static long counter(String metrics, String name, String labels) {
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{" + Pattern.quote(labels) + "\\} ([0-9.eE+]+)$")
            .matcher(metrics);
    assertThat(m.find()).as(name + "{" + labels + "}").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static long gauge(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(metrics);
    assertThat(m.find()).as(name).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
