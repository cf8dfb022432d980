package dev.argus.observe;

import java.util.Optional;

/**
 * One slow or failed request as the console lists it: what its canonical line says, minus the
 * client's address and any payload. {@code sequence} orders entries (higher is later).
 *
 * @param kind {@code slow} (a success over its latency objective) or {@code failed}
 * @param traceId the server span's trace id, empty when tracing is off
 * @param sampled whether the trace was sampled, so a trace UI can have it
 * @param model empty when the request never reached a model
 * @param outcome the inference outcome, or {@code none} when it never reached a model
 * @param errorType empty for a slow success
 * @param error the message the client got, cut at {@link RecentRequests#MAX_ERROR_CHARS}
 * @param timings the phase times, absent when it never reached a model
 */
public record RecentRequest(
    long sequence,
    long epochMillis,
    String kind,
    String requestId,
    String traceId,
    boolean sampled,
    String protocol,
    String method,
    String route,
    int status,
    String model,
    String version,
    String outcome,
    String errorType,
    String error,
    boolean serverFault,
    long durationNanos,
    PhaseTimings phaseTimings,
    int batchSize) {
  public static final String SLOW = "slow";
  public static final String FAILED = "failed";

  /** The outcome of a request that failed before any model was involved. */
  public static final String NO_OUTCOME = "none";

  public Optional<PhaseTimings> timings() {
    return Optional.ofNullable(phaseTimings);
  }
}
