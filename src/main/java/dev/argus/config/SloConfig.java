package dev.argus.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code slo} section: service level objectives tracked inside the server. */
public record SloConfig(List<Objective> objectives) {
  /**
   * Latency thresholds must be bucket bounds of the latency histograms, so rules can count them.
   */
  public static final double[] LATENCY_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5,
    5, 10
  };

  /**
   * One objective: {@code availability} (requests not failed by the server ÷ requests, client
   * errors excluded) or {@code latency} (successful requests answered within {@code threshold} ÷
   * successful requests), for one model or all ({@code *}), over {@code window}.
   */
  public record Objective(
      String name, String model, String type, double target, Duration threshold, Duration window) {
    public Objective {
      model = model == null || model.isBlank() ? "*" : model.trim();
      Check.that(
          name != null && name.matches("[a-z][a-z0-9_]{0,62}"),
          "objectives[].name",
          name,
          "lower_snake_case, e.g. availability");
      Check.that(
          "availability".equals(type) || "latency".equals(type),
          "objectives[" + name + "].type",
          type,
          "availability or latency");
      Check.that(
          target > 0 && target < 1,
          "objectives[" + name + "].target",
          target,
          "0 < target < 1, e.g. 0.995");
      Check.that(
          window != null && window.toMinutes() >= 60 && window.toDays() <= 90,
          "objectives[" + name + "].window",
          window,
          "1h..90d, e.g. 30d");
      if ("latency".equals(type)) {
        Check.that(
            threshold != null && isBucketBound(threshold),
            "objectives[" + name + "].threshold",
            threshold,
            "a latency bucket bound: 1ms, 5ms, 10ms, 25ms, 50ms, 75ms, 100ms, 150ms, 200ms, 300ms,"
                + " 500ms, 750ms, 1s, 2500ms, 5s, 10s");
      }
    }

    public boolean latency() {
      return "latency".equals(type);
    }

    public boolean covers(String modelName) {
      return model.equals("*") || model.equals(modelName);
    }

    /** The threshold in seconds (latency objectives). */
    public double thresholdSeconds() {
      return threshold == null ? 0 : threshold.toNanos() / 1e9;
    }
  }

  public SloConfig {
    objectives = objectives == null ? List.of() : List.copyOf(objectives);
    Set<String> names = new HashSet<>();
    for (Objective o : objectives) {
      Check.that(names.add(o.name()), "objectives", o.name(), "unique names");
    }
  }

  /** The smallest threshold of the latency objectives, if there is one. */
  public Optional<Duration> latencyThreshold() {
    return objectives.stream()
        .filter(Objective::latency)
        .map(Objective::threshold)
        .min(Duration::compareTo);
  }

  static boolean isBucketBound(Duration d) {
    double seconds = d.toNanos() / 1e9;
    if (seconds < 0.001) {
      return false; // 0.5 ms has no plain-decimal le label
    }
    for (double b : LATENCY_BOUNDS) {
      if (Math.abs(b - seconds) < 1e-9) {
        return true;
      }
    }
    return false;
  }
}
