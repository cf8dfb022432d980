package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private final RpcMetrics rpc;

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
      String runtimeVersion) {
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
    rpc = new RpcMetrics(registry, prefix, names::add);
  }

  /** The gRPC transport's metrics. */
  public RpcMetrics rpc() {
    return rpc;
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

  /** A successful request with its phase times and the size of its encoded input. */
  public void inferenceSucceeded(String model, String version, PhaseTimings t, long inputBytes) {
    inferenceRequests.labelValues(model, version, "success").inc();
    inferenceDuration.labelValues(model, version).observe(t.totalNanos() / 1e9);
    for (Phase phase : Phase.values()) {
      phaseDuration.labelValues(model, version, phase.label()).observe(t.nanos(phase) / 1e9);
    }
    inputSize.labelValues(model, version).observe(inputBytes);
  }

  /** A classifier's top-1 class (bounded by {@code metrics.max_class_labels}) and confidence. */
  public void prediction(String model, String version, String topClass, double topConfidence) {
    predictions.labelValues(model, version, boundedClass(model, topClass)).inc();
    confidence.labelValues(model, version).observe(topConfidence);
  }

  /** A failed request for a known model; {@code outcome} is one of the documented outcomes. */
  public void inferenceFailed(String model, String version, String outcome) {
    inferenceRequests.labelValues(model, version, outcome).inc();
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

  private Gauge gauge(String prefix, String name, String help, String... labels) {
    String full = name(prefix, name);
    names.add(full);
    return Gauge.builder().name(full).help(help).labelNames(labels).register(registry);
  }
}
