package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The metrics of each model's life: whether it serves and in which state, how long it took to load
 * and warm up, its file size, and its failed loads. Every model folder the server knows has a
 * {@code model_loaded} and a {@code model_state} series, including one that failed before any
 * version was found; a reload leaves only the serving version's series.
 */
public final class ModelMetrics {
  /** The states a model can be in, the {@code state} label of {@code model_state}. */
  public static final List<String> STATES =
      List.of("loading", "ready", "stalled", "failed", "unloaded");

  private final MetricFactory f;
  private final Gauge loaded;
  private final Gauge state;
  private final Gauge loadDuration;
  private final Gauge warmupDuration;
  private final Gauge memory;
  private final Counter loadFailures;

  /**
   * @param prefix {@code metrics.prefix}
   */
  public ModelMetrics(PrometheusRegistry registry, String prefix) {
    this.f = new MetricFactory(registry, prefix);
    loaded =
        f.gauge(
            "model_loaded",
            "1 when the model version is loaded and serving, 0 when it failed (version \"\" if it"
                + " failed before a version was found) or was unloaded.",
            "model",
            "version");
    state =
        f.gauge(
            "model_state",
            "1 for the state each model is in now (loading, ready, stalled, failed, unloaded), 0"
                + " for the others.",
            "model",
            "state");
    loadDuration =
        f.gauge(
            "model_load_duration_seconds",
            "Time the last load of the model took (session creation).",
            "model",
            "version");
    warmupDuration =
        f.gauge(
            "model_warmup_duration_seconds",
            "Time the warm-up inference after the last load took.",
            "model",
            "version");
    memory =
        f.gauge(
            "model_memory_bytes",
            "Size of the model's ONNX file, a lower bound of the session's memory (ONNX Runtime's"
                + " native allocations are not visible to the JVM).",
            "model",
            "version");
    loadFailures =
        f.counter(
            "model_load_failures_total",
            "Loads and reloads of a model that failed, by reason: config (model.yaml), files"
                + " (missing model or labels), runtime (the session could not be created), warmup.",
            "model",
            "reason");
  }

  /** Names of these metrics as exposed, for docs checks. */
  public List<String> names() {
    return f.names();
  }

  /**
   * A model version serves now; the series of the version it replaced, if any, are removed, so a
   * reload leaves one {@code model_loaded} per model.
   */
  public void loaded(
      String model,
      String version,
      double loadSeconds,
      double warmupSeconds,
      long fileBytes,
      String replacedVersion) {
    if (replacedVersion != null && !replacedVersion.equals(version)) {
      forget(model, replacedVersion);
    }
    // A failure before any version was found left a version-less series; it is over.
    loaded.remove(model, "");
    loaded.labelValues(model, version).set(1);
    loadDuration.labelValues(model, version).set(loadSeconds);
    warmupDuration.labelValues(model, version).set(warmupSeconds);
    memory.labelValues(model, version).set(fileBytes);
    state(model, "ready");
  }

  /**
   * A model version does not serve (it failed to load, or was unloaded); {@code version} is empty
   * when the failure came before any version was found (an invalid model.yaml, no version folder).
   */
  public void notLoaded(String model, String version, String newState) {
    loaded.labelValues(model, version).set(0);
    state(model, newState);
  }

  /**
   * A load or reload of {@code model} failed for {@code reason} (config, files, runtime, warmup).
   */
  public void loadFailed(String model, String reason) {
    loadFailures.labelValues(model, reason).inc();
  }

  /** {@code model} is in {@code newState} now (one of {@link #STATES}). */
  public void state(String model, String newState) {
    for (String s : STATES) {
      state.labelValues(model, s).set(s.equals(newState) ? 1 : 0);
    }
  }

  private void forget(String model, String version) {
    loaded.remove(model, version);
    loadDuration.remove(model, version);
    warmupDuration.remove(model, version);
    memory.remove(model, version);
  }
}
