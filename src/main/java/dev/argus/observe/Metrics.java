package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
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

  private final MetricFactory f;
  private final int maxClassLabels;
  private final ConcurrentHashMap<String, Set<String>> classesSeen = new ConcurrentHashMap<>();

  private final Counter httpRequests;
  private final Histogram httpDuration;
  private final Gauge httpActive;
  private final Counter rateLimited;
  private final Histogram httpRequestSize;
  private final Counter httpErrors;
  private final Counter inferenceRequests;
  private final Counter inferenceRejected;
  private final Counter workerRestarts;
  private final Histogram inferenceDuration;
  private final Histogram phaseDuration;
  private final Histogram batchSize;
  private final Counter predictions;
  private final Histogram confidence;
  private final Histogram inputSize;
  private final Gauge memoryPressure;
  private final RpcMetrics rpc;
  private final CaptureMetrics capture;

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
    this(registry, prefix, maxClassLabels, version, runtimeVersion, "");
  }

  /**
   * Creates and registers the catalogue.
   *
   * @param jpegDecoder what decodes JPEGs ({@code turbojpeg} or {@code imageio}), a label of {@code
   *     argus_build_info}
   */
  public Metrics(
      PrometheusRegistry registry,
      String prefix,
      int maxClassLabels,
      String version,
      String runtimeVersion,
      String jpegDecoder) {
    this.f = new MetricFactory(registry, prefix);
    this.maxClassLabels = maxClassLabels;
    httpRequests =
        f.counter(
            "http_server_requests_total",
            "HTTP requests answered, by route template and status.",
            "method",
            "route",
            "status");
    httpDuration =
        f.histogram(
            "http_server_request_duration_seconds",
            "Time from receiving a request to finishing its answer, by route template and status.",
            LATENCY_BUCKETS,
            "method",
            "route",
            "status");
    rateLimited =
        f.counter(
            "http_server_rate_limited_total",
            "Requests refused with 429 because their client was over rate_limit.requests_per_second.",
            "route");
    httpActive = f.gauge("http_server_active_requests", "HTTP requests being handled now.");
    httpRequestSize =
        f.histogram(
            "http_server_request_size_bytes",
            "Size of request bodies, by route template.",
            SIZE_BUCKETS,
            "route");
    httpErrors =
        f.counter(
            "http_server_errors_total",
            "HTTP requests answered with an error, by route template and error_type.",
            "route",
            "error_type");
    inferenceRequests =
        f.counter(
            "inference_requests_total",
            "Inference requests by model and outcome: success, invalid_input, unknown_model, rejected, not_ready, timeout, error; requests for no existing model count under model \"(unknown)\".",
            "model",
            "version",
            "outcome");
    inferenceRejected =
        f.counter(
            "inference_rejected_total",
            "Inference requests refused before their work, by the limit that refused them: admission (limits.max_concurrent_predictions), queue (queue_capacity), memory (limits.max_decoded_bytes or the heap), shutting_down.",
            "model",
            "reason");
    workerRestarts =
        f.counter(
            "batch_worker_restarts_total",
            "Batch workers of a model that died outside a batch (e.g. out of memory) and were replaced.",
            "model");
    inferenceDuration =
        f.histogram(
            "inference_request_duration_seconds",
            "Server-side time of successful inference requests, from decoding to the answer.",
            LATENCY_BUCKETS,
            "model",
            "version");
    phaseDuration =
        f.histogram(
            "inference_phase_duration_seconds",
            "Time of each phase of successful inference requests: decode, preprocess, queue, compute, postprocess.",
            LATENCY_BUCKETS,
            "model",
            "version",
            "phase");
    batchSize =
        f.histogram(
            "inference_batch_size",
            "Requests per model call (batch).",
            BATCH_BUCKETS,
            "model",
            "version");
    predictions =
        f.counter(
            "inference_predictions_total",
            "Top-1 predictions by class; classes past metrics.max_class_labels per model count as 'other'.",
            "model",
            "version",
            "class");
    confidence =
        f.histogram(
            "inference_prediction_confidence",
            "Confidence of the top-1 prediction.",
            CONFIDENCE_BUCKETS,
            "model",
            "version");
    inputSize =
        f.histogram(
            "inference_input_size_bytes",
            "Size of the encoded input of inference requests.",
            SIZE_BUCKETS,
            "model",
            "version");
    memoryPressure =
        f.gauge(
            "argus_memory_pressure",
            "1 while heap or resident memory is above memory.threshold_ratio of its limit.");
    Info buildInfo =
        Info.builder()
            .name(f.named("argus_build_info"))
            .help(
                "Argus build: its version, the Java version, the ONNX Runtime version and what"
                    + " decodes JPEGs (turbojpeg or imageio).")
            .labelNames("version", "java_version", "onnxruntime_version", "jpeg_decoder")
            .register(registry);
    buildInfo.addLabelValues(
        version, System.getProperty("java.version"), runtimeVersion, jpegDecoder);
    rpc = new RpcMetrics(f);
    capture = new CaptureMetrics(f);
  }

  /** The request capture's metrics. */
  public CaptureMetrics capture() {
    return capture;
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
    return f.names();
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

  /** A failed request; {@code outcome} is one of the documented outcomes. */
  public void inferenceFailed(String model, String version, String outcome) {
    inferenceRequests.labelValues(model, version, outcome).inc();
  }

  /** A request refused by {@code reason}: admission, queue, memory or shutting_down. */
  public void inferenceRejected(String model, String reason) {
    inferenceRejected.labelValues(model, reason).inc();
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
  public void workerRestarted(String model, String version) {
    workerRestarts.labelValues(model).inc();
  }

  @Override
  public void batchExecuted(
      String model, String version, int size, long startNanos, long endNanos, boolean failed) {
    batchSize.labelValues(model, version).observe(size);
  }
}
