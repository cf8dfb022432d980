package dev.argus.transport.edge;

import dev.argus.observe.LogContext;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.RequestSink;
import dev.argus.observe.Tracing;
import dev.argus.observe.capture.RequestCapture;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Opens the {@link RequestScope} of each request, whatever its protocol: the request's identity,
 * its server span continuing the caller's trace, and its log context.
 */
public final class RequestScopes {
  private final Tracing tracing;
  private final Tracer tracer;
  private final int payloadLimit;
  private final RequestSink sink;
  private final RequestCapture capture;

  /**
   * @param payloadLimit the most bytes of a body the canonical line may show ({@code
   *     logging.payload_max_bytes}), or -1 when payloads are not logged
   */
  public RequestScopes(Tracing tracing, int payloadLimit) {
    this(tracing, payloadLimit, RequestSink.NONE);
  }

  /**
   * @param sink told about each request when its scope closes, with the canonical line (the
   *     console's recent requests and live figures)
   */
  public RequestScopes(Tracing tracing, int payloadLimit, RequestSink sink) {
    this(tracing, payloadLimit, sink, null);
  }

  /**
   * @param capture offered each inference request as it is answered ({@code capture.*}); null: off
   */
  public RequestScopes(
      Tracing tracing, int payloadLimit, RequestSink sink, RequestCapture capture) {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.payloadLimit = payloadLimit;
    this.sink = sink;
    this.capture = capture;
  }

  /** The request capture, when {@code capture.enabled} is on. */
  public Optional<RequestCapture> capture() {
    return capture != null && capture.enabled() ? Optional.of(capture) : Optional.empty();
  }

  /** {@code span} if an exemplar may point to its trace (see {@link Tracing#exemplar}). */
  public SpanContext exemplar(SpanContext span) {
    return tracing.exemplar(span);
  }

  /** Bytes of each body the canonical line shows, or -1 when payloads are not logged. */
  public int payloadLimit() {
    return payloadLimit;
  }

  /**
   * Opens the scope of a request that arrived at {@code startNanos}: keeps the client's request id
   * if it is sane (else makes one), continues the trace its {@code carrier} holds (W3C {@code
   * traceparent}), starts the server span and makes it current, and fills the log context. Close it
   * on the same thread.
   *
   * @param method the HTTP method or RPC method, the span's name until the route is known
   * @param target the URL path or full RPC name, as the span's {@code url.path}
   */
  public <C> RequestScope open(
      String protocol,
      String method,
      String target,
      Optional<String> clientRequestId,
      C carrier,
      TextMapGetter<C> getter,
      long startNanos) {
    String id = RequestIds.accept(clientRequestId).orElseGet(RequestIds::generate);
    MDC.put(LogContext.REQUEST_ID, id);
    Context parent = tracing.propagator().extract(Context.root(), carrier, getter);
    Span span =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("url.path", target)
            .setAttribute("argus.request_id", id)
            .startSpan();
    SpanContext sc = span.getSpanContext();
    boolean traced = tracing.enabled() && sc.isValid();
    if (traced) {
      LogContext.putTrace(sc);
    }
    RequestRecord record = RequestRecord.start(id, protocol, startNanos, span);
    record.method(method);
    return new RequestScope(record, tracing.makeCurrent(span), traced ? tracing : null, sink);
  }
}
