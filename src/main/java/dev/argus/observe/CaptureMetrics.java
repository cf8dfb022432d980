package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;

/**
 * The request capture part of the metric catalogue ({@code capture.*}): what was captured, dropped
 * or failed, by why it was chosen, what the store evicted, and how big it is. {@link Metrics}
 * creates it and lists its names with the rest. Every label value is one of a few constants.
 */
public final class CaptureMetrics {
  private final Counter requests;
  private final Counter evicted;
  private final Gauge bytes;
  private final Gauge files;

  CaptureMetrics(MetricFactory f) {
    requests =
        f.counter(
            "capture_requests_total",
            "Requests chosen for capture, by why (failed, slow, sampled) and what became of them:"
                + " captured (written), dropped (the writer's queue was full), too_large (bigger"
                + " than capture.max_bytes), error (the write failed).",
            "reason",
            "result");
    evicted =
        f.counter(
            "capture_evicted_total",
            "Captured requests deleted, oldest first, to keep the store within capture.max_bytes"
                + " and capture.max_files.");
    bytes = f.gauge("capture_bytes", "Bytes of captured requests on disk now.");
    files = f.gauge("capture_files", "Captured requests on disk now.");
  }

  /** A request chosen for {@code reason} ended as {@code result}. */
  public void request(String reason, String result) {
    requests.labelValues(reason, result).inc();
  }

  public void evicted() {
    evicted.inc();
  }

  /** The store now holds {@code count} files of {@code total} bytes. */
  public void stored(long total, int count) {
    bytes.set(total);
    files.set(count);
  }
}
