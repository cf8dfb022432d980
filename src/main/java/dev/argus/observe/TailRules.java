package dev.argus.observe;

import dev.argus.config.TailSamplingConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.Set;

/**
 * The rules of tail sampling: why the trace of a request that has just ended is kept, read from
 * what the edge put on its server span ({@code http.response.status_code}, {@code
 * rpc.grpc.status_code}, its status and duration) and from its caller's trace context.
 */
final class TailRules {
  /** Why a trace was kept or dropped: the {@code reason} of {@code tracing_tail_traces_total}. */
  enum Reason {
    ERROR("error", true),
    CLIENT_ERROR("client_error", true),
    SLOW("slow", true),
    CALLER_SAMPLED("caller_sampled", true),
    RATIO("ratio", true),
    NONE("none", false),
    EXPIRED("expired", false);

    final String label;
    final boolean kept;

    Reason(String label, boolean kept) {
      this.label = label;
      this.kept = kept;
    }

    String decision() {
      return kept ? "kept" : "dropped";
    }
  }

  private static final AttributeKey<Long> HTTP_STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> GRPC_STATUS =
      AttributeKey.longKey("rpc.grpc.status_code");

  /** gRPC codes that are the server's fault, as OpenTelemetry's conventions for servers say. */
  private static final Set<Long> GRPC_SERVER_ERRORS = Set.of(2L, 4L, 12L, 13L, 14L, 15L);

  private final boolean keepAll;
  private final long ratioBound;
  private final long thresholdNanos;
  private final boolean keepClientErrors;

  TailRules(TailSamplingConfig config) {
    this.keepAll = config.ratio() >= 1;
    this.ratioBound =
        config.ratio() <= 0 ? Long.MIN_VALUE : (long) (config.ratio() * Long.MAX_VALUE);
    this.thresholdNanos = config.threshold().toNanos();
    this.keepClientErrors = config.keepClientErrors();
  }

  /** Why the trace whose local root is {@code root}, which has ended, is kept or dropped. */
  Reason reason(ReadableSpan root) {
    Long http = root.getAttribute(HTTP_STATUS);
    Long grpc = root.getAttribute(GRPC_STATUS);
    boolean serverError =
        http != null && http >= 500
            || grpc != null && GRPC_SERVER_ERRORS.contains(grpc)
            || root.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR;
    if (serverError) {
      return Reason.ERROR;
    }
    boolean clientError = http != null && http >= 400 || grpc != null && grpc != 0;
    if (clientError && keepClientErrors) {
      return Reason.CLIENT_ERROR;
    }
    if (slow(root)) {
      return Reason.SLOW;
    }
    if (callerSampled(root)) {
      return Reason.CALLER_SAMPLED;
    }
    return inShare(root.getSpanContext().getTraceId()) ? Reason.RATIO : Reason.NONE;
  }

  /** At least the threshold, so far or in all (a running span's latency is its age). */
  boolean slow(ReadableSpan span) {
    return span.getLatencyNanos() >= thresholdNanos;
  }

  /**
   * The head-sampled share, decided from the trace id as OpenTelemetry's {@code traceidratio}
   * sampler does (its low 64 bits against the ratio), so services sampling by the same ratio agree.
   */
  boolean inShare(String traceId) {
    if (keepAll) {
      return true;
    }
    long random = Long.parseUnsignedLong(traceId, 16, 32, 16);
    return Math.abs(random) < ratioBound;
  }

  /** The first span of its trace in this process: no parent, or the caller's. */
  static boolean localRoot(ReadableSpan span) {
    SpanContext parent = span.getParentSpanContext();
    return !parent.isValid() || parent.isRemote();
  }

  static boolean callerSampled(ReadableSpan span) {
    SpanContext parent = span.getParentSpanContext();
    return parent.isValid() && parent.isRemote() && parent.isSampled();
  }
}
