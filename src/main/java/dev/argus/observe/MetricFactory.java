package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Registers the metrics of one part of the catalogue under {@code metrics.prefix}, and remembers
 * their names (as exposed: counters with {@code _total}) for the checks of docs and rules.
 */
final class MetricFactory {
  private final PrometheusRegistry registry;
  private final String prefix;
  private final List<String> names = new ArrayList<>();

  MetricFactory(PrometheusRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /**
   * {@code name} under {@code prefix}; a name already in the prefix's namespace (argus_build_info
   * under prefix argus) is not prefixed twice.
   */
  static String name(String prefix, String name) {
    String p = prefix.toLowerCase(Locale.ROOT) + "_";
    return prefix.isEmpty() || name.startsWith(p) ? name : p + name;
  }

  /** {@code name} under this factory's prefix, remembered as one of its metrics. */
  String named(String name) {
    String full = name(prefix, name);
    names.add(full);
    return full;
  }

  List<String> names() {
    return List.copyOf(names);
  }

  Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(named(name)).help(help).labelNames(labels).register(registry);
  }

  Histogram histogram(String name, String help, double[] buckets, String... labels) {
    return Histogram.builder()
        .name(named(name))
        .help(help)
        .classicUpperBounds(buckets)
        .labelNames(labels)
        .register(registry);
  }

  Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder().name(named(name)).help(help).labelNames(labels).register(registry);
  }

  /** A gauge read at scrape time: {@code callback} reports every labelled value there is. */
  void callbackGauge(
      String name, String help, Consumer<GaugeWithCallback.Callback> callback, String... labels) {
    GaugeWithCallback.builder()
        .name(named(name))
        .help(help)
        .labelNames(labels)
        .callback(callback::accept)
        .register(registry);
  }
}
