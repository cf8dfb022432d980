package dev.argus.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression reads, for checks against the catalogue. */
public final class PromQl {
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![:\\w.$])([a-z_][a-z0-9_]*)(?![\\w:(])");
  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "and", "or", "unless", "bool", "offset");

  private PromQl() {}

  /**
   * Every series name Argus exposes with the default prefix: the catalogue (histograms with their
   * _bucket, _count and _sum, counters with _total), client_java's JVM and process metrics as a
   * scrape of a real registry names them, and Prometheus's own {@code up}.
   */
  public static Set<String> knownMetricNames() {
    return knownMetricNames("");
  }

  /** As {@link #knownMetricNames()}, with Argus's own metrics under {@code prefix}. */
  public static Set<String> knownMetricNames(String prefix) {
    io.prometheus.metrics.model.registry.PrometheusRegistry registry =
        new io.prometheus.metrics.model.registry.PrometheusRegistry();
    Set<String> known = new java.util.HashSet<>();
    known.addAll(dev.argus.observe.MetricCatalogue.names(prefix));
    dev.argus.observe.Metrics.registerJvm(registry);
    for (var snapshot : registry.scrape()) {
      known.add(snapshot.getMetadata().getPrometheusName());
      known.add(snapshot.getMetadata().getPrometheusName() + "_total");
    }
    for (String name : List.copyOf(known)) {
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        known.add(name + suffix);
      }
    }
    known.add("up");
    return known;
  }

  /** Metric names in {@code expr}; recorded series (with a colon) are left out. */
  public static List<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"[^\"]*\"", "")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", "")
            .replaceAll("\\s+\\(", "(");
    List<String> names = new ArrayList<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
