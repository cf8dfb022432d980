package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.argus.config.TracingConfig;
import dev.argus.testing.OtlpReceiver;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracingTest {
  private static TracingConfig config(String endpoint) {
    return config(endpoint, "http/protobuf");
  }

  private static TracingConfig config(String endpoint, String protocol) {
    return new TracingConfig(
        true,
        "argus",
        "",
        endpoint,
        protocol,
        "parentbased_always_on",
        1.0,
        Duration.ofMillis(200));
  }

  @Test
  void offIsTheDelegateItselfAndCountsNothing() {
    Tracing off = Tracing.disabled();
    InferenceObserver metrics = new InferenceObserver() {};

    assertThat(off.observer(metrics)).isSameAs(metrics);
    assertThat(off.droppedSpans(Tracing.QUEUE_FULL)).isZero();
    assertThat(off.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isFalse();
    off.phases(
        dev.argus.observe.RequestRecord.internal("x"),
        new PhaseTimings(0, 1, 1, 1, 1, 1),
        null,
        null); // no SDK: nothing to record, nothing thrown
    off.close();
  }

  @Test
  void spansThatDoNotFitTheExportQueueAreCountedAsQueueFull() throws Exception {
    System.setProperty("otel.bsp.max.queue.size", "4");
    System.setProperty("otel.bsp.max.export.batch.size", "2");
    try (OtlpReceiver hole = OtlpReceiver.blackHole();
        Tracing tracing = Tracing.create(config(hole.endpoint()), "test")) {
      for (int i = 0; i < 200; i++) {
        tracing.tracer().spanBuilder("s" + i).startSpan().end();
      }

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(tracing.droppedSpans(Tracing.QUEUE_FULL)).isPositive());
    } finally {
      System.clearProperty("otel.bsp.max.queue.size");
      System.clearProperty("otel.bsp.max.export.batch.size");
    }
  }

  /** The context a request running under {@code span} hands to its model's batcher. */
  private static Object requestContextUnder(InferenceObserver observer, Span span) {
    try (var ignored = span.makeCurrent()) {
      return observer.requestContext();
    }
  }

  @Test
  void batchScopeLinksTheBatchAndItsRequestsBothWays() throws Exception {
    try (OtlpReceiver hole = OtlpReceiver.blackHole();
        Tracing tracing = Tracing.create(config(hole.endpoint()), "test")) {
      InferenceObserver observer = tracing.observer(InferenceObserver.NONE);
      Span request = tracing.tracer().spanBuilder("request").startSpan();
      Object context = requestContextUnder(observer, request);

      InferenceObserver.BatchScope scope =
          observer.batchStarted("m", "1", List.of(context, context), true);
      String batchTrace = org.slf4j.MDC.get(LogContext.TRACE_ID);
      scope.end(new IllegalStateException("runtime failed"));

      assertThat(batchTrace).isNotNull().isNotEqualTo(request.getSpanContext().getTraceId());
      assertThat(org.slf4j.MDC.get(LogContext.TRACE_ID)).isNull();
      assertThat(((io.opentelemetry.sdk.trace.ReadableSpan) request).toSpanData().getLinks())
          .extracting(l -> l.getSpanContext().getTraceId())
          .containsOnly(batchTrace);
      request.end();
    }
  }

  @Test
  void aModelThatDoesNotBatchGetsNoBatchSpanAndItsWorkerLogsUnderTheRequestsTrace()
      throws Exception {
    try (OtlpReceiver hole = OtlpReceiver.blackHole();
        Tracing tracing = Tracing.create(config(hole.endpoint()), "test")) {
      InferenceObserver observer = tracing.observer(InferenceObserver.NONE);
      Span request = tracing.tracer().spanBuilder("request").startSpan();
      Object context = requestContextUnder(observer, request);

      InferenceObserver.BatchScope scope = observer.batchStarted("m", "1", List.of(context), false);
      String workerTrace = org.slf4j.MDC.get(LogContext.TRACE_ID);
      String workerSpan = org.slf4j.MDC.get(LogContext.SPAN_ID);
      scope.end(null);

      assertThat(workerTrace).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(workerSpan).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(org.slf4j.MDC.get(LogContext.TRACE_ID)).isNull();
      assertThat(((io.opentelemetry.sdk.trace.ReadableSpan) request).toSpanData().getLinks())
          .isEmpty();
      // The same model call when the model batches still gets its batch span.
      observer.batchStarted("m", "1", List.of(context), true).end(null);
      assertThat(((io.opentelemetry.sdk.trace.ReadableSpan) request).toSpanData().getLinks())
          .hasSize(1);
      request.end();
    }
  }

  @Test
  void grpcExportWorksAndCountsWhatACollectorThatIsDownNeverGot() throws Exception {
    int closed;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      closed = free.getLocalPort();
    }
    try (Tracing tracing = Tracing.create(config("http://127.0.0.1:" + closed, "grpc"), "test")) {
      tracing.tracer().spanBuilder("s").startSpan().end();
      tracing.flush(2000);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(tracing.droppedSpans(Tracing.EXPORT_FAILED)).isPositive());
    }
  }
}
