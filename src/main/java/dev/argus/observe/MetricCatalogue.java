package dev.argus.observe;

import dev.argus.config.DriftConfig;
import dev.argus.config.SloConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every Argus metric name, from the classes that define them, for checks of docs and rules. */
public final class MetricCatalogue {
  private MetricCatalogue() {}

  /** The names under {@code prefix} ({@code metrics.prefix}), as exposed. */
  public static List<String> names(String prefix) {
    PrometheusRegistry registry = new PrometheusRegistry();
    List<String> names =
        new ArrayList<>(new Metrics(registry, prefix, 1, "catalogue", "catalogue").names());
    names.addAll(new ModelMetrics(registry, prefix).names());
    try (DriftMonitor drift =
        new DriftMonitor(new DriftConfig(false, 10, 10, 5, Duration.ofSeconds(1), 0.01, 0.2))) {
      names.addAll(
          ServerGauges.register(
                  registry,
                  prefix,
                  List::of,
                  new SloTracker(new SloConfig(List.of()), System::currentTimeMillis),
                  drift,
                  Tracing.disabled())
              .names());
    }
    return names;
  }
}
