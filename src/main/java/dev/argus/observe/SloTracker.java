package dev.argus.observe;

import dev.argus.config.SloConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Service level indicators over rolling windows, in process, with bounded memory: each objective
 * counts good and valid events in time buckets (10 s buckets for the last 6 h, 5 min buckets for up
 * to 90 days), so any window is a sum of at most a few thousand buckets. State starts empty at each
 * start; Prometheus, with the recording rules of {@code argus slo rules}, is the long-term record.
 */
public final class SloTracker {
  /** The windows reported for every objective, besides the objective's own. */
  public static final List<Duration> WINDOWS =
      List.of(
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(6),
          Duration.ofDays(1),
          Duration.ofDays(3));

  private static final long FINE_MILLIS = 10_000;
  private static final int FINE_BUCKETS = (int) (Duration.ofHours(6).toMillis() / FINE_MILLIS);
  private static final long COARSE_MILLIS = 300_000;

  /** Outcomes that spend the availability budget; the others are the client's doing. */
  static final java.util.Set<String> SERVER_FAILURES =
      java.util.Set.of("error", "timeout", "rejected", "not_ready");

  /** Outcome labels that spend the availability budget; invalid_input is the client's doing. */
  private static boolean serverFailure(String outcome) {
    return SERVER_FAILURES.contains(outcome);
  }

  private final LongSupplier clockMillis;
  private final List<Track> tracks = new ArrayList<>();

  /** What one objective looks like now. */
  public record Status(
      SloConfig.Objective objective,
      Map<String, Double> sli,
      Map<String, Double> burnRate,
      double budgetTotalMinutes,
      double budgetRemainingRatio,
      double budgetRemainingMinutes,
      long validEvents,
      String status) {}

  public SloTracker(SloConfig config, LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    for (SloConfig.Objective o : config.objectives()) {
      tracks.add(new Track(o));
    }
  }

  /** A successful request of {@code model} that took {@code seconds}. */
  public void succeeded(String model, double seconds) {
    long now = clockMillis.getAsLong();
    for (Track t : tracks) {
      if (t.objective.covers(model)) {
        t.add(now, !t.objective.latency() || seconds <= t.objective.thresholdSeconds() + 1e-9);
      }
    }
  }

  /** A failed request of {@code model}, by its {@code outcome} label. */
  public void failed(String model, String outcome) {
    if (!serverFailure(outcome)) {
      return;
    }
    long now = clockMillis.getAsLong();
    for (Track t : tracks) {
      if (t.objective.covers(model) && !t.objective.latency()) {
        t.add(now, false);
      }
    }
  }

  public List<Status> statuses() {
    long now = clockMillis.getAsLong();
    List<Status> out = new ArrayList<>();
    for (Track t : tracks) {
      out.add(t.status(now));
    }
    return out;
  }

  /** {@code 5m}, {@code 1h}, {@code 3d}: the label of a window. */
  public static String label(Duration d) {
    if (d.toDays() > 0 && d.toHours() % 24 == 0) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
      return d.toHours() + "h";
    }
    return d.toMinutes() + "m";
  }

  /** Good and valid counts of one objective, bucketed by time. */
  private static final class Track {
    final SloConfig.Objective objective;
    final long[] fineGood = new long[FINE_BUCKETS];
    final long[] fineValid = new long[FINE_BUCKETS];
    final long[] fineStamp = new long[FINE_BUCKETS];
    final int coarseBuckets;
    final long[] coarseGood;
    final long[] coarseValid;
    final long[] coarseStamp;

    Track(SloConfig.Objective objective) {
      this.objective = objective;
      long longest = Math.max(objective.window().toMillis(), Duration.ofDays(3).toMillis());
      this.coarseBuckets = (int) (longest / COARSE_MILLIS) + 1;
      this.coarseGood = new long[coarseBuckets];
      this.coarseValid = new long[coarseBuckets];
      this.coarseStamp = new long[coarseBuckets];
    }

    synchronized void add(long now, boolean good) {
      long fine = now / FINE_MILLIS;
      int f = (int) (fine % FINE_BUCKETS);
      if (fineStamp[f] != fine) {
        fineStamp[f] = fine;
        fineGood[f] = 0;
        fineValid[f] = 0;
      }
      fineValid[f]++;
      long coarse = now / COARSE_MILLIS;
      int c = (int) (coarse % coarseBuckets);
      if (coarseStamp[c] != coarse) {
        coarseStamp[c] = coarse;
        coarseGood[c] = 0;
        coarseValid[c] = 0;
      }
      coarseValid[c]++;
      if (good) {
        fineGood[f]++;
        coarseGood[c]++;
      }
    }

    /** {good, valid} over the last {@code window} (windows up to 6 h at 10 s resolution). */
    synchronized long[] counts(long now, Duration window) {
      boolean fine = window.toMillis() <= Duration.ofHours(6).toMillis();
      long size = fine ? FINE_MILLIS : COARSE_MILLIS;
      long[] stamps = fine ? fineStamp : coarseStamp;
      long[] good = fine ? fineGood : coarseGood;
      long[] valid = fine ? fineValid : coarseValid;
      long newest = now / size;
      long oldest = newest - window.toMillis() / size + 1;
      long g = 0;
      long v = 0;
      for (int i = 0; i < stamps.length; i++) {
        if (stamps[i] >= oldest && stamps[i] <= newest && (valid[i] > 0)) {
          g += good[i];
          v += valid[i];
        }
      }
      return new long[] {g, v};
    }

    Status status(long now) {
      double budget = 1 - objective.target();
      Map<String, Double> sli = new LinkedHashMap<>();
      Map<String, Double> burn = new LinkedHashMap<>();
      List<Duration> windows = new ArrayList<>(WINDOWS);
      if (!windows.contains(objective.window())) {
        windows.add(objective.window());
      }
      for (Duration w : windows) {
        long[] c = counts(now, w);
        double ratio = c[1] == 0 ? 1.0 : (double) c[0] / c[1];
        sli.put(label(w), ratio);
        burn.put(label(w), (1 - ratio) / budget);
      }
      long[] whole = counts(now, objective.window());
      double sliWindow = sli.get(label(objective.window()));
      double remaining = 1 - (1 - sliWindow) / budget;
      double totalMinutes = budget * objective.window().toMinutes();
      boolean fastBurn = burn.get("1h") > 14.4 && burn.get("5m") > 14.4;
      boolean slowBurn = burn.get("6h") > 6 && burn.get("30m") > 6;
      String status =
          remaining <= 0 ? "breach" : (remaining < 0.5 || fastBurn || slowBurn) ? "warning" : "ok";
      return new Status(
          objective,
          sli,
          burn,
          totalMinutes,
          remaining,
          remaining * totalMinutes,
          whole[1],
          status);
    }
  }
}
