package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The one catalogue of Argus metrics: every metric is defined here, named by Prometheus conventions
 * (snake_case, base units, counters end in {@code _total}), with help text, and labels whose values
 * are bounded: route templates not paths, known methods, known models, at most {@code
 * maxClassLabels} classes per model. docs/metrics.md documents each one (a test checks both ways).
 */
public final class Metrics implements InferenceObserver {
  /** Latency buckets for inference: from sub-millisecond tiny models to multi-second batches. */
  static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5,
    5, 10
  };

  static final double[] SIZE_BUCKETS = {
    256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216
  };
  static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};
  static final double[] CONFIDENCE_BUCKETS = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  static final String OTHER = "other";

  /** A model's queue, read at scrape time. */
  public record QueueReading(String model, String version, int depth, int capacity) {}

  private final PrometheusRegistry registry;
  private final List<String> names = new ArrayList<>();
  private final int maxClassLabels;
  private final ConcurrentHashMap<String, Set<String>> classesSeen = new ConcurrentHashMap<>();

  private final Counter httpRequests;
  private final Histogram httpDuration;
  private final Gauge httpActive;
  private final Counter rateLimited;
  private final Histogram httpRequestSize;
  private final Counter httpErrors;
  private final Counter inferenceRequests;
  private final Histogram inferenceDuration;
  private final Histogram phaseDuration;
  private final Histogram batchSize;
  private final Counter predictions;
  private final Histogram confidence;
  private final Histogram inputSize;
  private final Gauge modelLoaded;
  private final Gauge modelLoadDuration;
  private final Gauge modelWarmupDuration;
  private final Gauge modelMemory;
  private final Gauge memoryPressure;
  private volatile Tracing tracing;
  private volatile SloTracker slo;
  private volatile DriftMonitor drift;

  /**
   * Creates and registers the catalogue.
   *
   * @param prefix prepended to every Argus metric name ({@code metrics.prefix}); JVM and process
   *     metrics keep their standard names
   */
  public Metrics(
      PrometheusRegistry registry,
      String prefix,
      int maxClassLabels,
      String version,
      String runtimeVersion,
      Supplier<List<QueueReading>> queues) {
    this.registry = registry;
    this.maxClassLabels = maxClassLabels;
    httpRequests =
        counter(
            prefix,
            "http_server_requests_total",
            "HTTP requests answered, by route template and status.",
            "method",
            "route",
            "status");
    httpDuration =
        histogram(
            prefix,
            "http_server_request_duration_seconds",
            "Time from receiving a request to finishing its answer, by route template and status.",
            LATENCY_BUCKETS,
            "method",
            "route",
            "status");
    rateLimited =
        counter(
            prefix,
            "http_server_rate_limited_total",
            "Requests refused with 429 because their client was over rate_limit.requests_per_second.",
            "route");
    httpActive =
        Gauge.builder()
            .name(name(prefix, "http_server_active_requests"))
            .help("HTTP requests being handled now.")
            .register(registry);
    httpRequestSize =
        histogram(
            prefix,
            "http_server_request_size_bytes",
            "Size of request bodies, by route template.",
            SIZE_BUCKETS,
            "route");
    httpErrors =
        counter(
            prefix,
            "http_server_errors_total",
            "HTTP requests answered with an error, by route template and error_type.",
            "route",
            "error_type");
    inferenceRequests =
        counter(
            prefix,
            "inference_requests_total",
            "Inference requests for a known model, by outcome: success, invalid_input, rejected, timeout, error.",
            "model",
            "version",
            "outcome");
    inferenceDuration =
        histogram(
            prefix,
            "inference_request_duration_seconds",
            "Server-side time of successful inference requests, from decoding to the answer.",
            LATENCY_BUCKETS,
            "model",
            "version");
    phaseDuration =
        histogram(
            prefix,
            "inference_phase_duration_seconds",
            "Time of each phase of successful inference requests: decode, preprocess, queue, compute, postprocess.",
            LATENCY_BUCKETS,
            "model",
            "version",
            "phase");
    batchSize =
        histogram(
            prefix,
            "inference_batch_size",
            "Requests per model call (batch).",
            BATCH_BUCKETS,
            "model",
            "version");
    queueGauge(
        prefix,
        "inference_queue_depth",
        "Requests waiting in a model's batch queue.",
        queues,
        QueueReading::depth);
    queueGauge(
        prefix,
        "inference_queue_capacity",
        "Most requests a model's batch queue holds before refusing (queue_capacity).",
        queues,
        QueueReading::capacity);
    predictions =
        counter(
            prefix,
            "inference_predictions_total",
            "Top-1 predictions by class; classes past metrics.max_class_labels per model count as 'other'.",
            "model",
            "version",
            "class");
    confidence =
        histogram(
            prefix,
            "inference_prediction_confidence",
            "Confidence of the top-1 prediction.",
            CONFIDENCE_BUCKETS,
            "model",
            "version");
    inputSize =
        histogram(
            prefix,
            "inference_input_size_bytes",
            "Size of the encoded input of inference requests.",
            SIZE_BUCKETS,
            "model",
            "version");
    modelLoaded =
        gauge(
            prefix,
            "model_loaded",
            "1 when the model version is loaded and serving, 0 when it failed or was unloaded.",
            "model",
            "version");
    modelLoadDuration =
        gauge(
            prefix,
            "model_load_duration_seconds",
            "Time the last load of the model took (session creation).",
            "model",
            "version");
    modelWarmupDuration =
        gauge(
            prefix,
            "model_warmup_duration_seconds",
            "Time the warm-up inference after the last load took.",
            "model",
            "version");
    modelMemory =
        gauge(
            prefix,
            "model_memory_bytes",
            "Size of the model's ONNX file, a lower bound of the session's memory (ONNX Runtime's native allocations are not visible to the JVM).",
            "model",
            "version");
    memoryPressure =
        gauge(
            prefix,
            "argus_memory_pressure",
            "1 while heap or resident memory is above memory.threshold_ratio of its limit.");
    Info buildInfo =
        Info.builder()
            .name(name(prefix, "argus_build_info"))
            .help("Argus build: its version, the Java version and the ONNX Runtime version.")
            .labelNames("version", "java_version", "onnxruntime_version")
            .register(registry);
    buildInfo.addLabelValues(version, System.getProperty("java.version"), runtimeVersion);
    names.add(name(prefix, "argus_build_info"));
    names.add(name(prefix, "http_server_active_requests"));
    String dropped = name(prefix, "tracing_spans_dropped_total");
    CounterWithCallback.builder()
        .name(dropped)
        .help(
            "Spans that never reached the trace backend: queue_full (the exporter queue was full)"
                + " or export_failed (the OTLP endpoint refused, failed or timed out).")
        .labelNames("reason")
        .callback(cb -> {
          Tracing t = tracing;
          cb.call(t == null ? 0 : t.droppedSpans(Tracing.QUEUE_FULL), Tracing.QUEUE_FULL);
          cb.call(t == null ? 0 : t.droppedSpans(Tracing.EXPORT_FAILED), Tracing.EXPORT_FAILED);
        })
        .register(registry);
    names.add(dropped);
    sloGauges(prefix);
    driftGauges(prefix);
  }

  /** Feeds prediction outcomes to {@code tracker} and exposes its SLIs, budgets and burn rates. */
  public void trackSlos(SloTracker tracker) {
    this.slo = tracker;
  }

  /** Exposes {@code monitor}'s latest verdicts as the drift_* gauges. */
  public void watchDrift(DriftMonitor monitor) {
    this.drift = monitor;
  }

  /** The drift monitor, when one is watched. */
  public java.util.Optional<DriftMonitor> drift() {
    return java.util.Optional.ofNullable(drift);
  }

  private void driftGauges(String prefix) {
    callbackGauge(
        prefix,
        "drift_score",
        "Drift statistic of each feature against the model's reference: KS D, chi-square, or PSI.",
        cb ->
            driftResults((m, r) -> {
              cb.call(r.score(), m, r.feature(), r.test());
              if (r.psi() != null) {
                cb.call(r.psi(), m, r.feature(), "psi");
              }
            }),
        "model",
        "feature",
        "test");
    callbackGauge(
        prefix,
        "drift_p_value",
        "p-value of the drift test of each feature (small: recent data unlike the reference).",
        cb -> driftResults((m, r) -> cb.call(r.pValue(), m, r.feature())),
        "model",
        "feature");
    callbackGauge(
        prefix,
        "drift_detected",
        "1 while a feature of the model is in drift (p below drift.p_value; for classes, PSI too).",
        cb -> driftResults((m, r) -> cb.call(r.detected() ? 1 : 0, m, r.feature())),
        "model",
        "feature");
  }

  private void driftResults(
      java.util.function.BiConsumer<String, DriftMonitor.FeatureResult> each) {
    DriftMonitor d = drift;
    if (d != null) {
      d.results().forEach((m, list) -> list.forEach(r -> each.accept(m, r)));
    }
  }

  /** The objectives now; empty when none are tracked. */
  public List<SloTracker.Status> slos() {
    SloTracker t = slo;
    return t == null ? List.of() : t.statuses();
  }

  private void sloGauges(String prefix) {
    callbackGauge(
        prefix,
        "slo_sli_ratio",
        "Good events ÷ valid events of each objective over each window (1 with no events).",
        cb ->
            slos().forEach(st -> st.sli().forEach((w, v) -> cb.call(v, st.objective().name(), w))),
        "slo",
        "window");
    callbackGauge(
        prefix,
        "slo_error_budget_remaining_ratio",
        "Share of the error budget left over the objective's window (negative: overspent).",
        cb -> slos().forEach(st -> cb.call(st.budgetRemainingRatio(), st.objective().name())),
        "slo");
    callbackGauge(
        prefix,
        "slo_burn_rate",
        "How fast the error budget burns over each window: 1 spends it exactly in the objective's window.",
        cb ->
            slos()
                .forEach(
                    st -> st.burnRate().forEach((w, v) -> cb.call(v, st.objective().name(), w))),
        "slo",
        "window");
  }

  /** Where {@code tracing_spans_dropped_total} reads its counts. */
  public void countDroppedSpansOf(Tracing tracing) {
    this.tracing = tracing;
  }

  /** Adds client_java's JVM and process metrics (memory, GC, threads, RSS, start time). */
  public static void registerJvm(PrometheusRegistry registry) {
    JvmMetrics.builder().register(registry);
  }

  /** The gauge {@link MemoryMonitor} sets. */
  Gauge memoryPressure() {
    return memoryPressure;
  }

  /** Names of the Argus metrics (as exposed, counters with {@code _total}), for docs checks. */
  public List<String> names() {
    return List.copyOf(names);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  // --- HTTP -----------------------------------------------------------------------------------

  /** A request refused by the per-client rate limit. */
  public void rateLimited(String route) {
    rateLimited.labelValues(route).inc();
  }

  public void httpStarted() {
    httpActive.inc();
  }

  /** One answered HTTP request; {@code route} is a template or "unmatched", never a raw path. */
  public void httpFinished(
      String method, String route, int status, long nanos, long requestBytes, String errorType) {
    httpActive.dec();
    String m = METHODS.contains(method) ? method : OTHER;
    String s = String.valueOf(status);
    httpRequests.labelValues(m, route, s).inc();
    httpDuration.labelValues(m, route, s).observe(nanos / 1e9);
    httpRequestSize.labelValues(route).observe(requestBytes);
    if (errorType != null) {
      httpErrors.labelValues(route, errorType).inc();
    }
  }

  // --- inference ------------------------------------------------------------------------------

  /** A successful request with its phase times (nanoseconds) and top-1 class and confidence. */
  public void inferenceSucceeded(
      String model,
      String version,
      long decode,
      long preprocess,
      long queue,
      long compute,
      long postprocess,
      long inputBytes,
      String topClass,
      double topConfidence) {
    // topClass is null for tensor models: they have no class to count.
    inferenceRequests.labelValues(model, version, "success").inc();
    inferenceDuration
        .labelValues(model, version)
        .observe((decode + preprocess + queue + compute + postprocess) / 1e9);
    phaseDuration.labelValues(model, version, "decode").observe(decode / 1e9);
    phaseDuration.labelValues(model, version, "preprocess").observe(preprocess / 1e9);
    phaseDuration.labelValues(model, version, "queue").observe(queue / 1e9);
    phaseDuration.labelValues(model, version, "compute").observe(compute / 1e9);
    phaseDuration.labelValues(model, version, "postprocess").observe(postprocess / 1e9);
    inputSize.labelValues(model, version).observe(inputBytes);
    SloTracker t = slo;
    if (t != null) {
      t.succeeded(model, (decode + preprocess + queue + compute + postprocess) / 1e9);
    }
    if (topClass != null) {
      predictions.labelValues(model, version, boundedClass(model, topClass)).inc();
      confidence.labelValues(model, version).observe(topConfidence);
    }
  }

  /** A failed request for a known model; {@code outcome} is one of the documented outcomes. */
  public void inferenceFailed(String model, String version, String outcome) {
    inferenceRequests.labelValues(model, version, outcome).inc();
    SloTracker t = slo;
    if (t != null) {
      t.failed(model, outcome);
    }
  }

  private String boundedClass(String model, String label) {
    Set<String> seen = classesSeen.computeIfAbsent(model, m -> ConcurrentHashMap.newKeySet());
    if (seen.contains(label)) {
      return label;
    }
    synchronized (seen) {
      if (seen.size() < maxClassLabels) {
        seen.add(label);
        return label;
      }
    }
    return OTHER;
  }

  @Override
  public void batchExecuted(
      String model, String version, int size, long startNanos, long endNanos, boolean failed) {
    batchSize.labelValues(model, version).observe(size);
  }

  // --- models ---------------------------------------------------------------------------------

  public void modelLoaded(
      String model, String version, double loadSeconds, double warmupSeconds, long fileBytes) {
    modelLoaded.labelValues(model, version).set(1);
    modelLoadDuration.labelValues(model, version).set(loadSeconds);
    modelWarmupDuration.labelValues(model, version).set(warmupSeconds);
    modelMemory.labelValues(model, version).set(fileBytes);
  }

  public void modelNotLoaded(String model, String version) {
    modelLoaded.labelValues(model, version).set(0);
  }

  // --- builders -------------------------------------------------------------------------------

  static String name(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix.toLowerCase(Locale.ROOT) + "_" + name;
  }

  private Counter counter(String prefix, String name, String help, String... labels) {
    String full = name(prefix, name);
    names.add(full);
    return Counter.builder().name(full).help(help).labelNames(labels).register(registry);
  }

  private Histogram histogram(
      String prefix, String name, String help, double[] buckets, String... labels) {
    String full = name(prefix, name);
    names.add(full);
    return Histogram.builder()
        .name(full)
        .help(help)
        .classicUpperBounds(buckets)
        .labelNames(labels)
        .register(registry);
  }

  private void queueGauge(
      String prefix,
      String name,
      String help,
      Supplier<List<QueueReading>> queues,
      ToIntFunction<QueueReading> value) {
    callbackGauge(
        prefix,
        name,
        help,
        cb -> queues.get().forEach(q -> cb.call(value.applyAsInt(q), q.model(), q.version())),
        "model",
        "version");
  }

  /** A gauge read at scrape time: {@code callback} reports every labelled value there is. */
  private void callbackGauge(
      String prefix,
      String name,
      String help,
      java.util.function.Consumer<GaugeWithCallback.Callback> callback,
      String... labels) {
    String full = name(prefix, name);
    names.add(full);
    GaugeWithCallback.builder()
        .name(full)
        .help(help)
        .labelNames(labels)
        .callback(callback::accept)
        .register(registry);
  }

  private Gauge gauge(String prefix, String name, String help, String... labels) {
    String full = name(prefix, name);
    names.add(full);
    return Gauge.builder().name(full).help(help).labelNames(labels).register(registry);
  }
}
