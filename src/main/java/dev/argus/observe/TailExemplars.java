package dev.argus.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * The current span as client_java's exemplar sampler sees it: OpenTelemetry's current span, as its
 * own bridge reads it, except that under tail sampling a span is offered as an exemplar only when
 * its trace is or will be kept ({@link TailSampler#keeps}), so no exemplar points to a dropped
 * trace. client_java reads spans through one JVM-wide supplier; this one finds the tail sampler of
 * the server that made the span current in the span's {@link Context}, and without one behaves as
 * client_java's default.
 */
final class TailExemplars implements io.prometheus.metrics.tracer.common.SpanContext {
  /** The tail sampler of the request or batch whose span is current. */
  static final ContextKey<TailSampler> SAMPLER = ContextKey.named("argus.tail_sampler");

  private static final TailExemplars INSTANCE = new TailExemplars();

  private TailExemplars() {}

  /** Makes client_java read spans through this bridge (idempotent; stateless). */
  static void install() {
    if (io.prometheus.metrics.tracer.initializer.SpanContextSupplier.getSpanContext() != INSTANCE) {
      io.prometheus.metrics.tracer.initializer.SpanContextSupplier.setSpanContext(INSTANCE);
    }
  }

  @Override
  public String getCurrentTraceId() {
    SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  @Override
  public String getCurrentSpanId() {
    SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    Context context = Context.current();
    Span span = Span.fromContext(context);
    if (!span.getSpanContext().isSampled()) {
      return false;
    }
    TailSampler tail = context.get(SAMPLER);
    return tail == null || tail.keeps(span);
  }

  @Override
  public void markCurrentSpanAsExemplar() {
    Span.current().setAttribute(EXEMPLAR_ATTRIBUTE_NAME, EXEMPLAR_ATTRIBUTE_VALUE);
  }
}
