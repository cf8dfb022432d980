package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * The {@code tracing.tail} section: every request is traced, and its trace is kept or dropped once
 * the request has ended, by what happened to it (failed, slow, sampled by its caller) or by a share
 * of the rest.
 *
 * @param latencyThreshold a request at least this slow is kept; null until {@link
 *     #withDefaultThreshold} fills in the latency objective's threshold
 * @param maxBufferedSpans the most spans held, over all requests, while their requests are
 *     undecided
 */
public record TailSamplingConfig(
    boolean enabled,
    double ratio,
    @JsonDeserialize(using = YamlBinder.OptionalDurationDeserializer.class)
        Duration latencyThreshold,
    boolean keepClientErrors,
    int maxBufferedSpans) {
  /** The threshold when neither the key nor a latency objective sets one. */
  public static final Duration FALLBACK_THRESHOLD = Duration.ofSeconds(1);

  public TailSamplingConfig {
    Check.that(ratio >= 0 && ratio <= 1, "ratio", ratio, "0..1, e.g. 0.01");
    Check.that(
        latencyThreshold == null || latencyThreshold.toNanos() > 0,
        "latency_threshold",
        latencyThreshold == null ? "" : Durations.format(latencyThreshold),
        "a positive duration, e.g. 300ms, or empty for the latency objective's threshold");
    Check.that(
        maxBufferedSpans >= 1 && maxBufferedSpans <= 10_000_000,
        "max_buffered_spans",
        maxBufferedSpans,
        "1..10000000, e.g. 20000");
  }

  /** Off: head sampling by {@code tracing.sampler} decides alone. */
  public static TailSamplingConfig disabled() {
    return new TailSamplingConfig(false, 0.01, null, false, 20_000);
  }

  /** This config, with {@code threshold} as the latency threshold if none was set. */
  public TailSamplingConfig withDefaultThreshold(Duration threshold) {
    return latencyThreshold != null
        ? this
        : new TailSamplingConfig(enabled, ratio, threshold, keepClientErrors, maxBufferedSpans);
  }

  /** The latency threshold, or {@link #FALLBACK_THRESHOLD} when none was set or derived. */
  public Duration threshold() {
    return latencyThreshold == null ? FALLBACK_THRESHOLD : latencyThreshold;
  }
}
