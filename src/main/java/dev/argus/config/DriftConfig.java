package dev.argus.config;

import java.time.Duration;

/**
 * The {@code drift} section: how each model's recent inputs and predictions are compared with its
 * reference profile.
 */
public record DriftConfig(
    boolean enabled,
    int window,
    int referenceSize,
    int minSamples,
    Duration checkInterval,
    double pValue,
    double psiThreshold) {
  public DriftConfig {
    Check.that(window >= 10 && window <= 100_000, "window", window, "10..100000 requests");
    Check.that(
        referenceSize >= 10 && referenceSize <= 100_000,
        "reference_size",
        referenceSize,
        "10..100000 requests");
    Check.that(minSamples >= 5 && minSamples <= window, "min_samples", minSamples, "5..window");
    Check.that(
        checkInterval != null && checkInterval.toMillis() >= 100,
        "check_interval",
        checkInterval,
        ">= 100ms");
    Check.that(pValue > 0 && pValue < 1, "p_value", pValue, "0 < p_value < 1, e.g. 0.01");
    Check.that(psiThreshold > 0, "psi_threshold", psiThreshold, "> 0, e.g. 0.2");
  }
}
