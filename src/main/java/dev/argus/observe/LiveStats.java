package dev.argus.observe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Per-model figures of the last 15 minutes for the console, from each inference request's {@link
 * RequestRecord} when it ends: requests, server and client errors, batch sizes and a latency
 * histogram per second, in a ring of {@value #SECONDS} one-second slots per model (about 160 KB per
 * model, however heavy the traffic). A request adds to a few counters of its second's slot; the
 * first request of a new second clears that slot under the model's lock, once.
 *
 * <p>Latency is the server-side time of successful requests (decoding to the answer, the sum of the
 * phases), as {@code inference_request_duration_seconds} and the latency objectives count it, in
 * buckets a factor of √2 apart from 0.1 ms to 74 s; a percentile is interpolated within the bucket
 * that holds it, so it is off by less than that factor (Prometheus' own histogram_quantile over the
 * coarser buckets of {@code /metrics} is further off).
 */
public final class LiveStats implements RequestSink {
  /** Seconds of history kept per model. */
  public static final int SECONDS = 900;

  static final int BUCKETS = 40;
  private static final double FIRST_BOUND_NANOS = 100_000;
  private static final double LOG_STEP = Math.log(Math.sqrt(2));
  private static final int TOTAL = 0;
  private static final int SERVER_ERRORS = 1;
  private static final int CLIENT_ERRORS = 2;
  private static final int BATCH_SUM = 3;
  private static final int SUCCESSES = 4;
  private static final int FIRST_BUCKET = 5;
  private static final int WIDTH = FIRST_BUCKET + BUCKETS;

  private final LongSupplier clockMillis;
  private final long startSecond;
  private final Map<String, ModelSeconds> models = new ConcurrentHashMap<>();

  /**
   * Figures over one window: counts, rates, ratios and percentiles (NaN without successes). The
   * error ratio counts the server's failures ({@code error}, {@code timeout}, {@code rejected}) as
   * the availability objective does; {@code invalid_input} is the client's, counted apart.
   */
  public record Window(
      int seconds,
      long requests,
      long serverErrors,
      long clientErrors,
      double ratePerSecond,
      double errorRatio,
      double clientErrorRatio,
      double p50Millis,
      double p95Millis,
      double p99Millis,
      double meanBatchSize) {}

  /**
   * Per-second points ending with the last complete second: requests, errors (server and client)
   * and p99 in milliseconds (NaN for a second without successes).
   */
  public record Series(long firstEpochSecond, long[] requests, long[] errors, double[] p99Millis) {}

  public LiveStats(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.startSecond = clockMillis.getAsLong() / 1000;
  }

  @Override
  public void ended(RequestRecord r, long durationNanos) {
    if (r.model().isEmpty() || r.outcome().isEmpty()) {
      return; // not an inference request, or one that never reached a model
    }
    ModelSeconds m = models.computeIfAbsent(r.model().get(), k -> new ModelSeconds());
    long second = clockMillis.getAsLong() / 1000;
    int base = m.slot(second) * WIDTH;
    m.cells.incrementAndGet(base + TOTAL);
    String outcome = r.outcome().get();
    switch (outcome) {
      case "success" -> {
        m.cells.incrementAndGet(base + SUCCESSES);
        m.cells.addAndGet(base + BATCH_SUM, r.batchSize());
        PhaseTimings t = r.timings().orElse(null);
        m.cells.incrementAndGet(base + FIRST_BUCKET + bucket(t == null ? 0 : t.totalNanos()));
      }
      case "invalid_input", "unknown_model" -> m.cells.incrementAndGet(base + CLIENT_ERRORS);
      default -> m.cells.incrementAndGet(base + SERVER_ERRORS);
    }
  }

  /** The models seen so far, in no order. */
  public List<String> models() {
    return List.copyOf(models.keySet());
  }

  /** Figures of {@code model} over the last {@code seconds} complete seconds (1..900). */
  public Window window(String model, int seconds) {
    if (seconds < 1 || seconds > SECONDS) {
      throw new IllegalArgumentException("seconds: " + seconds + " (expected: 1.." + SECONDS + ")");
    }
    long now = clockMillis.getAsLong() / 1000;
    // Before the server has run that long, the window is the time it has run.
    int covered = (int) Math.max(1, Math.min(seconds, now - startSecond));
    long[] sums = new long[WIDTH];
    Optional.ofNullable(models.get(model))
        .ifPresent(m -> {
          for (long s = now - seconds; s < now; s++) {
            m.addTo(s, sums);
          }
        });
    long requests = sums[TOTAL];
    long successes = sums[SUCCESSES];
    return new Window(
        seconds,
        requests,
        sums[SERVER_ERRORS],
        sums[CLIENT_ERRORS],
        requests / (double) covered,
        requests == 0 ? 0 : sums[SERVER_ERRORS] / (double) requests,
        requests == 0 ? 0 : sums[CLIENT_ERRORS] / (double) requests,
        quantileMillis(sums, successes, 0.50),
        quantileMillis(sums, successes, 0.95),
        quantileMillis(sums, successes, 0.99),
        successes == 0 ? Double.NaN : sums[BATCH_SUM] / (double) successes);
  }

  /** Per-second points of {@code model} over the last {@code seconds} complete seconds. */
  public Series series(String model, int seconds) {
    if (seconds < 1 || seconds > SECONDS) {
      throw new IllegalArgumentException("seconds: " + seconds + " (expected: 1.." + SECONDS + ")");
    }
    long now = clockMillis.getAsLong() / 1000;
    long first = now - seconds;
    long[] requests = new long[seconds];
    long[] errors = new long[seconds];
    double[] p99 = new double[seconds];
    ModelSeconds m = models.get(model);
    long[] one = new long[WIDTH];
    for (int i = 0; i < seconds; i++) {
      java.util.Arrays.fill(one, 0);
      if (m != null) {
        m.addTo(first + i, one);
      }
      requests[i] = one[TOTAL];
      errors[i] = one[SERVER_ERRORS] + one[CLIENT_ERRORS];
      p99[i] = quantileMillis(one, one[SUCCESSES], 0.99);
    }
    return new Series(first, requests, errors, p99);
  }

  /** The bucket of a latency: 0 up to 0.1 ms, then one per factor of √2, the last open-ended. */
  static int bucket(long nanos) {
    if (nanos <= FIRST_BOUND_NANOS) {
      return 0;
    }
    int i = (int) Math.ceil(Math.log(nanos / FIRST_BOUND_NANOS) / LOG_STEP - 1e-9);
    return Math.min(i, BUCKETS - 1);
  }

  /** The upper bound of bucket {@code i} in nanoseconds. */
  static double upperNanos(int i) {
    return FIRST_BOUND_NANOS * Math.pow(Math.sqrt(2), i);
  }

  /** The {@code q} quantile, interpolated geometrically inside its bucket; NaN without data. */
  private static double quantileMillis(long[] sums, long count, double q) {
    if (count == 0) {
      return Double.NaN;
    }
    double rank = q * count;
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long n = sums[FIRST_BUCKET + i];
      if (n > 0 && seen + n >= rank) {
        double within = Math.max(0, Math.min(1, (rank - seen) / n));
        double upper = upperNanos(i);
        double lower = i == 0 ? upper / 2 : upperNanos(i - 1);
        return lower * Math.pow(upper / lower, within) / 1e6;
      }
      seen += n;
    }
    return upperNanos(BUCKETS - 1) / 1e6;
  }

  /** One model's ring: slot {@code s % SECONDS} holds second {@code s} while its stamp says so. */
  private static final class ModelSeconds {
    final AtomicIntegerArray cells = new AtomicIntegerArray(SECONDS * WIDTH);
    final AtomicLongArray stamps = new AtomicLongArray(SECONDS);
    final Object lock = new Object();

    ModelSeconds() {
      for (int i = 0; i < SECONDS; i++) {
        stamps.set(i, -1);
      }
    }

    /** The slot of {@code second}, cleared first if it still holds an older second. */
    int slot(long second) {
      int slot = (int) (second % SECONDS);
      if (stamps.get(slot) != second) {
        synchronized (lock) {
          if (stamps.get(slot) != second) {
            int base = slot * WIDTH;
            for (int i = 0; i < WIDTH; i++) {
              cells.set(base + i, 0);
            }
            // Set after clearing: a writer that sees this second's stamp sees cleared counts.
            stamps.set(slot, second);
          }
        }
      }
      return slot;
    }

    void addTo(long second, long[] sums) {
      int slot = (int) (second % SECONDS);
      if (second < 0 || stamps.get(slot) != second) {
        return;
      }
      int base = slot * WIDTH;
      for (int i = 0; i < WIDTH; i++) {
        sums[i] += cells.get(base + i);
      }
    }
  }
}
