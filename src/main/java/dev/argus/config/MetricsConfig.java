package dev.argus.config;

/** The {@code metrics} section. */
public record MetricsConfig(boolean enabled, String prefix, int maxClassLabels) {
  public MetricsConfig {
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
