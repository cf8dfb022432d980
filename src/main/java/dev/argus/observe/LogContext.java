package dev.argus.observe;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * The log context (SLF4J MDC) keys every line about a request or a batch carries. The edge filter
 * sets the request's; the batch worker sets the batch's around each batch it runs.
 */
public final class LogContext {
  public static final String REQUEST_ID = "request_id";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  public static final String TRACE_FLAGS = "trace_flags";
  public static final String MODEL = "model";
  public static final String MODEL_VERSION = "model_version";

  private LogContext() {}

  /** Puts {@code span}'s trace id, span id and trace flags in this thread's log context. */
  public static void putTrace(SpanContext span) {
    MDC.put(TRACE_ID, span.getTraceId());
    MDC.put(SPAN_ID, span.getSpanId());
    MDC.put(TRACE_FLAGS, span.getTraceFlags().asHex());
  }

  /** Removes what {@link #putTrace} put. */
  public static void removeTrace() {
    MDC.remove(TRACE_ID);
    MDC.remove(SPAN_ID);
    MDC.remove(TRACE_FLAGS);
  }
}
