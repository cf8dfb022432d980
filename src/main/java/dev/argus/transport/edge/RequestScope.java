package dev.argus.transport.edge;

import dev.argus.observe.CanonicalLine;
import dev.argus.observe.LogContext;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.RequestSink;
import dev.argus.observe.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.BiConsumer;
import org.slf4j.MDC;

/**
 * One request from arrival to answer, for any protocol: its {@link RequestRecord}, its server span
 * (current while the scope is open) and its log context. Closing it ends the span with the
 * request's failure, if any, writes the canonical line and clears the log context.
 */
public final class RequestScope implements AutoCloseable {
  private final RequestRecord record;
  private final Scope current;
  private final Tracing tracing;
  private final RequestSink sink;

  RequestScope(RequestRecord record, Scope current, Tracing tracing, RequestSink sink) {
    this.record = record;
    this.current = current;
    this.tracing = tracing;
    this.sink = sink;
  }

  public RequestRecord record() {
    return record;
  }

  public String requestId() {
    return record.requestId();
  }

  /** Writes {@code traceparent} (and {@code tracestate}) for the answer, when tracing is on. */
  public void injectTraceContext(BiConsumer<String, String> header) {
    if (tracing != null) {
      tracing
          .propagator()
          .inject(Context.current().with(record.span()), header, BiConsumer::accept);
    }
  }

  /**
   * Ends the request: the span records the failure (status ERROR only when the server is at fault:
   * a client's mistake is not an error of the server), the canonical line is written and the sink
   * told from the same record, the log context is cleared.
   */
  @Override
  public void close() {
    Span span = record.span();
    try {
      record.error().ifPresent(span::recordException);
      record.errorType().ifPresent(t -> span.setAttribute("error.type", t));
      if (record.serverFault()) {
        span.setStatus(StatusCode.ERROR, record.errorMessage());
      }
      long nanos = System.nanoTime() - record.startNanos();
      CanonicalLine.write(record, nanos);
      sink.ended(record, nanos);
    } finally {
      span.end();
      current.close();
      MDC.remove(LogContext.REQUEST_ID);
      LogContext.removeTrace();
      MDC.remove(LogContext.MODEL);
      MDC.remove(LogContext.MODEL_VERSION);
    }
  }
}
