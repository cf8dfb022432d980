package dev.argus.observe;

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
}
