package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.config.TailSamplingConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TailSamplerTest {
  private static final long MS = 1_000_000;

  private final Exported exported = new Exported();
  private final AtomicLong clock = new AtomicLong();
  private SdkTracerProvider provider;
  private TailSampler tail;
  private Tracer tracer;

  @AfterEach
  void close() {
    provider.close();
  }

  private void start(double ratio, boolean keepClientErrors, int maxBuffered) {
    tail =
        new TailSampler(
            new TailSamplingConfig(
                true, ratio, Duration.ofMillis(100), keepClientErrors, maxBuffered),
            clock::get);
    // As Tracing does with tail sampling on: every span recorded, whatever the caller said.
    provider =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(tail.wrap(exported))
            .build();
    tracer = provider.get("test");
  }

  /** A server span of {@code millis}, with a child span, answered with {@code status}. */
  private Span request(Context parent, long status, long millis) {
    long start = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    Span server =
        tracer
            .spanBuilder("POST /predict/{model}")
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .startSpan();
    tracer.spanBuilder("decode").setParent(Context.root().with(server)).startSpan().end();
    server.setAttribute("http.response.status_code", status);
    server.end(start + millis * MS, TimeUnit.NANOSECONDS);
    return server;
  }

  private Span request(long status, long millis) {
    return request(Context.root(), status, millis);
  }

  @Test
  void keepsAFailedRequestWithAllItsSpans() {
    start(0, false, 100);
    Span failed = request(500, 1);

    assertThat(exported.traceIds()).containsExactly(trace(failed), trace(failed));
    assertThat(exported.names()).containsExactlyInAnyOrder("POST /predict/{model}", "decode");
    assertThat(tail.traces(TailRules.Reason.ERROR)).isEqualTo(1);
    assertThat(tail.buffered()).isZero();
  }

  @Test
  void dropsAnOrdinaryRequestAndCountsItAsNone() {
    start(0, false, 100);
    request(200, 1);

    assertThat(exported.spans).isEmpty();
    assertThat(tail.traces(TailRules.Reason.NONE)).isEqualTo(1);
    assertThat(tail.buffered()).isZero();
  }

  @Test
  void keepsASlowRequest() {
    start(0, false, 100);
    request(200, 150);

    assertThat(exported.names()).hasSize(2);
    assertThat(tail.traces(TailRules.Reason.SLOW)).isEqualTo(1);
  }

  @Test
  void keepsAnErrorStatusWithoutAStatusCode() {
    start(0, false, 100);
    Span root = tracer.spanBuilder("work").setNoParent().startSpan();
    root.setStatus(StatusCode.ERROR, "broken");
    root.end();

    assertThat(exported.names()).containsExactly("work");
    assertThat(tail.traces(TailRules.Reason.ERROR)).isEqualTo(1);
  }

  @Test
  void keepsClientErrorsOnlyWhenConfigured() {
    start(0, false, 100);
    request(404, 1);
    assertThat(exported.spans).isEmpty();

    provider.close();
    start(0, true, 100);
    request(404, 1);
    assertThat(exported.names()).hasSize(2);
    assertThat(tail.traces(TailRules.Reason.CLIENT_ERROR)).isEqualTo(1);
  }

  @Test
  void keepsAGrpcServerFailureButNotACancelledCall() {
    start(0, false, 100);
    Span internal = tracer.spanBuilder("ModelInfer").setSpanKind(SpanKind.SERVER).startSpan();
    internal.setAttribute("rpc.grpc.status_code", 13L);
    internal.end();
    Span cancelled = tracer.spanBuilder("ModelInfer").setSpanKind(SpanKind.SERVER).startSpan();
    cancelled.setAttribute("rpc.grpc.status_code", 1L);
    cancelled.end();

    assertThat(exported.traceIds()).containsExactly(trace(internal));
  }

  @Test
  void keepsWhatTheCallerSampledAndNotWhatItDidNot() {
    start(0, false, 100);
    Span sampled = request(caller(TraceFlags.getSampled()), 200, 1);
    request(caller(TraceFlags.getDefault(), "5bf92f3577b34da6a3ce929d0e0e4736"), 200, 1);

    assertThat(exported.traceIds()).containsOnly(trace(sampled));
    assertThat(tail.traces(TailRules.Reason.CALLER_SAMPLED)).isEqualTo(1);
    assertThat(tail.traces(TailRules.Reason.NONE)).isEqualTo(1);
  }

  @Test
  void theShareIsDecidedByTraceIdLikeTraceIdRatio() {
    start(0.5, false, 100);
    for (int i = 0; i < 400; i++) {
      request(200, 1);
    }
    long kept = tail.traces(TailRules.Reason.RATIO);
    assertThat(kept).isBetween(140L, 260L);
    // The same trace id always gets the same answer.
    for (ReadableSpan s : exported.spans) {
      assertThat(tail.keeps(s.getSpanContext())).isTrue();
    }
  }

  @Test
  void aBatchWaitsForItsRequestsAndIsKeptWhenOneIsKept() {
    start(0, false, 100);
    Span ok = open();
    Span failing = open();
    batch(ok, failing);
    assertThat(exported.spans).isEmpty();
    assertThat(tail.buffered()).isEqualTo(1);

    finish(ok, 200);
    assertThat(exported.spans).isEmpty();
    finish(failing, 500);

    assertThat(exported.names()).containsExactlyInAnyOrder("batch m", "POST");
    assertThat(tail.buffered()).isZero();
  }

  @Test
  void aBatchOfDroppedRequestsIsDropped() {
    start(0, false, 100);
    Span a = open();
    Span b = open();
    batch(a, b);
    finish(a, 200);
    finish(b, 200);

    assertThat(exported.spans).isEmpty();
    assertThat(tail.buffered()).isZero();
  }

  @Test
  void aBatchThatEndsAfterAKeptRequestGoesOutAtOnce() {
    start(0, false, 100);
    Span timedOut = open();
    finish(timedOut, 504);
    batch(timedOut);

    assertThat(exported.names()).containsExactlyInAnyOrder("POST", "batch m");
  }

  @Test
  void aFullBufferDropsAndCountsSpansButStillDecidesTheRequest() {
    start(0, false, 2);
    Span server = open();
    Context context = Context.root().with(server);
    for (int i = 0; i < 5; i++) {
      tracer.spanBuilder("child").setParent(context).startSpan().end();
    }
    assertThat(tail.buffered()).isEqualTo(2);
    assertThat(tail.bufferFull()).isEqualTo(3);

    finish(server, 500);
    assertThat(exported.names()).containsExactlyInAnyOrder("POST", "child", "child");
    assertThat(tail.buffered()).isZero();
  }

  @Test
  void spansWhoseRequestNeverEndsExpire() {
    start(0, false, 100);
    Span stuck = open();
    tracer.spanBuilder("child").setParent(Context.root().with(stuck)).startSpan().end();
    assertThat(tail.buffered()).isEqualTo(1);

    clock.addAndGet(TailSampler.MAX_HOLD_NANOS);
    Span next = open();
    tracer.spanBuilder("child").setParent(Context.root().with(next)).startSpan().end();

    assertThat(tail.buffered()).isEqualTo(1);
    assertThat(tail.traces(TailRules.Reason.EXPIRED)).isEqualTo(1);
  }

  @Test
  void exemplarsOnlyForTracesThatWillBeKept() {
    start(0, false, 100);
    Span plain = open();
    Span sampled =
        tracer
            .spanBuilder("POST")
            .setParent(caller(TraceFlags.getSampled()))
            .setSpanKind(SpanKind.SERVER)
            .startSpan();

    assertThat(tail.keeps(plain)).isFalse();
    assertThat(tail.keeps(sampled)).isTrue();
    finish(plain, 500);
    assertThat(tail.keeps(plain.getSpanContext())).isTrue();
    sampled.end();
  }

  private Span open() {
    return tracer.spanBuilder("POST").setNoParent().setSpanKind(SpanKind.SERVER).startSpan();
  }

  private static void finish(Span server, long status) {
    server.setAttribute("http.response.status_code", status);
    server.end();
  }

  private void batch(Span... requests) {
    var builder = tracer.spanBuilder("batch m").setNoParent();
    for (Span r : requests) {
      builder.addLink(r.getSpanContext());
    }
    builder.startSpan().end();
  }

  private static Context caller(TraceFlags flags) {
    return caller(flags, "4bf92f3577b34da6a3ce929d0e0e4736");
  }

  private static Context caller(TraceFlags flags, String traceId) {
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            traceId, "00f067aa0ba902b7", flags, TraceState.getDefault());
    return Context.root().with(Span.wrap(remote));
  }

  private static String trace(Span span) {
    return span.getSpanContext().getTraceId();
  }

  /** Stands in for the batch span processor: remembers what it was handed. */
  private static final class Exported implements SpanProcessor {
    final List<ReadableSpan> spans = new CopyOnWriteArrayList<>();

    List<String> names() {
      return spans.stream().map(ReadableSpan::getName).toList();
    }

    List<String> traceIds() {
      return spans.stream().map(s -> s.getSpanContext().getTraceId()).toList();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      spans.add(span);
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
