package dev.argus.config;

/**
 * The {@code metrics} section; {@code port} -1 serves {@code /metrics} on the main port, anything
 * else on a port of its own.
 */
public record MetricsConfig(boolean enabled, String prefix, int maxClassLabels, int port) {
  public MetricsConfig {
    Check.that(
        port >= -1 && port <= 65535,
        "port",
        port,
        "-1 for the main port, 0 for any free port, or 1..65535");
    prefix = prefix == null ? "" : prefix.trim();
    Check.that(
        prefix.isEmpty() || prefix.matches("[a-zA-Z_][a-zA-Z0-9_]*"),
        "prefix",
        prefix,
        "empty, or letters, digits and '_' not starting with a digit");
    Check.that(
        maxClassLabels >= 1 && maxClassLabels <= 10_000,
        "max_class_labels",
        maxClassLabels,
        "1..10000");
  }
}
