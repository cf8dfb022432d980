package dev.argus.service;

import dev.argus.batching.BatchRejectedException;
import dev.argus.batching.BatchResult;
import dev.argus.batching.DeadlineExpiredException;
import dev.argus.batching.DynamicBatcher;
import dev.argus.config.ModelSettings;
import dev.argus.image.ImageDecoder;
import dev.argus.image.ImageTransform;
import dev.argus.image.InvalidImageException;
import dev.argus.image.Scores;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelRegistry;
import dev.argus.model.ModelRepository;
import dev.argus.model.TensorSpec;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LogContext;
import dev.argus.observe.Metrics;
import dev.argus.observe.Tracing;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.MDC;

/**
 * Protocol-independent inference: resolve the model, decode and preprocess the input, run the
 * model, and turn its output into an answer. Transports stay thin and call this.
 */
public final class InferenceService {
  /** Upper bound for {@code top_k}; more is clamped to the number of classes anyway. */
  public static final int MAX_TOP_K = 1000;

  /** What a client told "queue full" should wait before retrying. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final ModelRegistry registry;
  private final BatcherPool batchers;
  private final ImageDecoder decoder;
  private final Optional<String> defaultModel;
  private final Semaphore admission;
  private final int maxConcurrent;
  private final Metrics metrics;
  private final Tracing tracing;
  private final DriftMonitor drift;

  public InferenceService(
      ModelRegistry registry,
      BatcherPool batchers,
      ImageDecoder decoder,
      Optional<String> defaultModel,
      int maxConcurrentPredictions,
      Metrics metrics,
      Tracing tracing,
      DriftMonitor drift) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.drift = drift;
    this.registry = registry;
    this.batchers = batchers;
    this.decoder = decoder;
    this.defaultModel = defaultModel;
    this.maxConcurrent = maxConcurrentPredictions;
    this.admission = new Semaphore(maxConcurrentPredictions);
  }

  /** A place among the predictions in progress; close it when the request is answered. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Admits one prediction, before its body is read or decoded: work before the model's queue
   * (reading, decoding) is bounded too, so overload is refused at once instead of piling up.
   *
   * @throws ArgusException.QueueFull when {@code limits.max_concurrent_predictions} are running
   */
  public Permit admit() {
    if (!admission.tryAcquire()) {
      throw new ArgusException.QueueFull(
          "server is overloaded: "
              + maxConcurrent
              + " predictions are in progress (limits.max_concurrent_predictions)",
          RETRY_AFTER);
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        admission.release();
      }
    };
  }

  /** What a model's batcher has done since it started; all zero when it has none. */
  public record BatchStats(
      long batches,
      long completedRequests,
      long failedRequests,
      long rejectedRequests,
      long expiredRequests,
      long queueNanos,
      long computeNanos,
      long[] batchSizeCounts,
      int queueDepth,
      int queueCapacity) {}

  /** The batcher counters of a model. */
  public BatchStats batchStats(String model) {
    return batchers
        .stats(model)
        .map(s ->
            new BatchStats(
                s.batches(),
                s.completedRequests(),
                s.failedRequests(),
                s.rejectedRequests(),
                s.expiredRequests(),
                s.queueNanos(),
                s.computeNanos(),
                s.batchSizeCounts(),
                s.queueDepth(),
                s.queueCapacity()))
        .orElse(new BatchStats(0, 0, 0, 0, 0, 0, 0, new long[0], 0, 0));
  }

  /** A served model's name, version and state, for listings. */
  public record ModelState(String name, String version, String state, String reason) {}

  /** Every model in the repository and where it is in its life. */
  public List<ModelState> models() {
    return registry.statuses().stream().map(InferenceService::state).toList();
  }

  /** A model input or output as the model declares it; {@code -1} marks a dynamic dimension. */
  public record TensorInfo(String name, DataType type, Shape shape) {}

  /** What the protocol's model metadata shows. */
  public record ModelInfo(
      String name,
      String version,
      List<TensorInfo> inputs,
      List<TensorInfo> outputs,
      boolean acceptsImages) {}

  /**
   * The metadata of a ready model, from its ONNX Runtime session.
   *
   * @param version the version asked for, or null
   */
  public ModelInfo modelInfo(String name, String version) {
    LoadedModel model = readyModel(name);
    if (version != null && !version.equals(model.version())) {
      throw ArgusException.NotFound.version(model.name(), version, model.version());
    }
    var meta = model.model().metadata();
    return new ModelInfo(
        model.name(),
        model.version(),
        meta.inputs().stream().map(t -> new TensorInfo(t.name(), t.type(), t.shape())).toList(),
        meta.outputs().stream().map(t -> new TensorInfo(t.name(), t.type(), t.shape())).toList(),
        model.settings().isImageClassifier());
  }

  /** Whether a model (and, when given, that version) is ready to serve; false when unknown. */
  public boolean isReady(String name, String version) {
    return ModelRepository.isValidName(name)
        && registry
            .ready(name)
            .filter(m -> version == null || version.equals(m.version()))
            .isPresent();
  }

  /**
   * Every model in the repository folder, loaded or not: what the protocol's repository index
   * lists. Folders added since start appear with the state {@code unknown}.
   */
  public List<ModelState> repositoryIndex() {
    List<ModelState> known = new ArrayList<>(models());
    for (String name : registry.repository().modelNames()) {
      if (known.stream().noneMatch(m -> m.name().equals(name))) {
        known.add(new ModelState(name, "", "unknown", "not loaded"));
      }
    }
    known.sort(java.util.Comparator.comparing(ModelState::name));
    return known;
  }

  /**
   * Loads (or reloads) a model from the repository folder and waits for the outcome, at most {@code
   * timeout}.
   *
   * @throws ArgusException.NotFound when the folder has no such model
   * @throws ArgusException.ModelNotReady when loading failed or is still running at the timeout
   */
  public ModelState load(String name, Duration timeout) {
    if (!ModelRepository.isValidName(name) || !registry.repository().modelNames().contains(name)) {
      throw ArgusException.NotFound.model(name);
    }
    ModelRegistry.Status status;
    try {
      status = registry.load(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ArgusException.ModelNotReady(
          name,
          "still loading after " + timeout.toSeconds() + " s; watch /v2/models/" + name + "/ready");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } catch (ExecutionException e) {
      throw new ArgusException.ModelNotReady(name, String.valueOf(e.getCause()));
    }
    if (status.state() != ModelRegistry.State.READY) {
      throw new ArgusException.ModelNotReady(name, status.reason());
    }
    return state(status);
  }

  /**
   * Stops serving a model: its queue drains, its session closes, and requests for it get 404.
   *
   * @throws ArgusException.NotFound when no such model is known
   */
  public ModelState unload(String name) {
    if (!ModelRepository.isValidName(name)) {
      throw ArgusException.NotFound.model(name);
    }
    return registry
        .unload(name)
        .map(InferenceService::state)
        .orElseThrow(() -> ArgusException.NotFound.model(name));
  }

  private static ModelState state(ModelRegistry.Status s) {
    return new ModelState(
        s.name(), s.version(), s.state().name().toLowerCase(java.util.Locale.ROOT), s.reason());
  }

  /** A loaded model's footprint as far as the JVM can see: the size of its ONNX file. */
  public record ModelFootprint(String name, String version, long fileBytes) {}

  /** The footprints of the models loaded now. */
  public List<ModelFootprint> footprints() {
    List<ModelFootprint> out = new ArrayList<>();
    for (ModelRegistry.Status s : registry.statuses()) {
      registry
          .ready(s.name())
          .ifPresent(m -> {
            long bytes;
            try {
              bytes = java.nio.file.Files.size(m.sourceFile());
            } catch (java.io.IOException e) {
              bytes = -1; // the file went away after loading; the session still serves
            }
            out.add(new ModelFootprint(m.name(), m.version(), bytes));
          });
    }
    return out;
  }

  /**
   * The model {@code POST /predict} uses: the configured default, or the only model there is.
   *
   * @throws ArgusException.InvalidInput when several models are served and none is the default
   */
  public String defaultModelName() {
    if (defaultModel.isPresent()) {
      return defaultModel.get();
    }
    List<ModelRegistry.Status> models = registry.statuses();
    if (models.size() == 1) {
      return models.get(0).name();
    }
    throw new ArgusException.InvalidInput(
        "no default model: "
            + models.size()
            + " models are served; use POST /predict/{model} or set models.default_model");
  }

  /**
   * The ready model of that name.
   *
   * @throws ArgusException.InvalidInput for a malformed name
   * @throws ArgusException.NotFound for a model that does not exist
   * @throws ArgusException.ModelNotReady for one that is loading, failed or unloaded
   */
  public LoadedModel readyModel(String name) {
    if (!ModelRepository.isValidName(name)) {
      throw new ArgusException.InvalidInput(
          "model name '"
              + name
              + "' is not valid (expected: 1-64 letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit)");
    }
    ModelRegistry.Status status =
        registry.status(name).orElseThrow(() -> ArgusException.NotFound.model(name));
    if (status.state() == ModelRegistry.State.UNLOADED) {
      throw ArgusException.NotFound.unloaded(name);
    }
    return registry
        .ready(name)
        .orElseThrow(() -> new ArgusException.ModelNotReady(name, status.reason()));
  }

  /**
   * Classifies one encoded image.
   *
   * @param modelName the model, or {@code null} for the default one
   * @param topK how many classes to return, or 0 for the model's {@code top_k}
   * @param timeout how long the request may take from now; past it the answer is 504
   */
  public Classification classify(String modelName, byte[] image, int topK, Duration timeout) {
    long deadline = batchers.ticker().nanoTime() + timeout.toNanos();
    if (topK < 0 || topK > MAX_TOP_K) {
      throw new ArgusException.InvalidInput("top_k: " + topK + " (expected: 1.." + MAX_TOP_K + ")");
    }
    LoadedModel model = readyModel(modelName == null ? defaultModelName() : modelName);
    // Every log line about this request from here on names the model (the edge filter clears it).
    MDC.put(LogContext.MODEL, model.name());
    MDC.put(LogContext.MODEL_VERSION, model.version());
    ModelSettings settings = model.settings();
    int k = topK == 0 ? settings.topK() : topK;
    if (!settings.isImageClassifier()) {
      throw new ArgusException.InvalidInput(
          "model '"
              + model.name()
              + "' is a tensor model, not an image classifier; use POST /v2/models/"
              + model.name()
              + "/infer");
    }
    try {
      Classification c = classifyWith(model, image, k, deadline, timeout);
      recordSuccess(model, c.timings(), image.length, c.top().label(), c.top().confidence());
      return c;
    } catch (ArgusException e) {
      metrics.inferenceFailed(model.name(), model.version(), outcome(e));
      throw e;
    }
  }

  /** What a protocol inference returns: the requested outputs of the model that ran. */
  public record InferResult(
      String model,
      String version,
      Map<String, Tensor> outputs,
      int batchSize,
      PhaseTimings timings) {}

  /** Outputs an image classifier returns when it is sent encoded images as a BYTES input. */
  public static final List<String> IMAGE_OUTPUTS = List.of("label", "confidence", "class_id");

  /**
   * Runs a tensor request (the Open Inference Protocol) through the model's batcher.
   *
   * @param version the version asked for, or null for the one served
   * @param outputs the outputs wanted, in order; empty for all
   * @param receivedNanos when the request's body started to be decoded ({@link System#nanoTime})
   * @param inputBytes the size of the request body, for the metrics
   * @throws ArgusException.InvalidInput when the inputs do not fit the model's metadata
   */
  public InferResult infer(
      String modelName,
      String version,
      Map<String, Tensor> inputs,
      List<String> outputs,
      long receivedNanos,
      long inputBytes,
      Duration timeout) {
    long decoded = System.nanoTime();
    long deadline = batchers.ticker().nanoTime() + timeout.toNanos();
    LoadedModel model = readyModel(modelName);
    if (version != null && !version.equals(model.version())) {
      throw ArgusException.NotFound.version(model.name(), version, model.version());
    }
    MDC.put(LogContext.MODEL, model.name());
    MDC.put(LogContext.MODEL_VERSION, model.version());
    tracing.phase("decode", receivedNanos, decoded, null);
    try {
      InferResult result =
          isImageRequest(model, inputs)
              ? inferImages(model, inputs, outputs, deadline, timeout, decoded - receivedNanos)
              : inferTensors(model, inputs, outputs, deadline, timeout, decoded - receivedNanos);
      recordSuccess(model, result.timings(), inputBytes, null, 0);
      return result;
    } catch (ArgusException e) {
      metrics.inferenceFailed(model.name(), model.version(), outcome(e));
      throw e;
    }
  }

  private static boolean isImageRequest(LoadedModel model, Map<String, Tensor> inputs) {
    return model.settings().isImageClassifier()
        && inputs.size() == 1
        && inputs.values().iterator().next().type() == DataType.BYTES;
  }

  private InferResult inferTensors(
      LoadedModel model,
      Map<String, Tensor> inputs,
      List<String> outputs,
      long deadline,
      Duration timeout,
      long decodeNanos) {
    long t0 = System.nanoTime();
    TensorValidation.check(model, inputs, outputs);
    long t1 = System.nanoTime();
    tracing.phase("preprocess", t0, t1, null);
    BatchResult result;
    try {
      result = run(model, inputs, deadline, timeout);
    } catch (ArgusException e) {
      tracing.phase("queue", t1, System.nanoTime(), e);
      throw e;
    }
    long t2 = System.nanoTime();
    tracing.phase("queue", t1, t1 + result.queueNanos(), null);
    if (drift.enabled()) {
      drift.observe(model.name(), inputMeans(inputs), null); // a pass over every input
    }
    Map<String, Tensor> selected = new LinkedHashMap<>();
    if (outputs.isEmpty()) {
      selected.putAll(result.outputs());
    } else {
      for (String name : outputs) {
        selected.put(name, result.outputs().get(name));
      }
    }
    long t3 = System.nanoTime();
    tracing.phase("postprocess", t2, t3, null);
    return new InferResult(
        model.name(),
        model.version(),
        selected,
        result.batchSize(),
        new PhaseTimings(
            decodeNanos, t1 - t0, result.queueNanos(), result.computeNanos(), t3 - t2));
  }

  /** Each element of the BYTES input is an encoded image, classified as {@code /predict} would. */
  private InferResult inferImages(
      LoadedModel model,
      Map<String, Tensor> inputs,
      List<String> outputs,
      long deadline,
      Duration timeout,
      long decodeNanos) {
    for (String name : outputs) {
      if (!IMAGE_OUTPUTS.contains(name)) {
        throw new ArgusException.InvalidInput(
            "output '"
                + name
                + "': model '"
                + model.name()
                + "' answers encoded images with the outputs "
                + IMAGE_OUTPUTS);
      }
    }
    byte[][] images = (byte[][]) inputs.values().iterator().next().data();
    if (images.length == 0) {
      throw new ArgusException.InvalidInput("the BYTES input holds no image");
    }
    byte[][] labels = new byte[images.length][];
    float[] confidences = new float[images.length];
    long[] classIds = new long[images.length];
    long preprocess = 0;
    long queue = 0;
    long compute = 0;
    long postprocess = 0;
    int batchSize = 0;
    for (int i = 0; i < images.length; i++) {
      Classification c = classifyWith(model, images[i], 1, deadline, timeout);
      labels[i] = c.top().label().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      confidences[i] = (float) c.top().confidence();
      classIds[i] = c.top().classId();
      decodeNanos += c.timings().decodeNanos();
      preprocess += c.timings().preprocessNanos();
      queue += c.timings().queueNanos();
      compute += c.timings().computeNanos();
      postprocess += c.timings().postprocessNanos();
      batchSize = Math.max(batchSize, c.batchSize());
    }
    Shape rows = Shape.of(images.length);
    Map<String, Tensor> all = new LinkedHashMap<>();
    all.put("label", Tensor.of(DataType.BYTES, rows, labels));
    all.put("confidence", Tensor.of(DataType.FP32, rows, confidences));
    all.put("class_id", Tensor.of(DataType.INT64, rows, classIds));
    Map<String, Tensor> selected = new LinkedHashMap<>();
    for (String name : outputs.isEmpty() ? IMAGE_OUTPUTS : outputs) {
      selected.put(name, all.get(name));
    }
    return new InferResult(
        model.name(),
        model.version(),
        selected,
        batchSize,
        new PhaseTimings(decodeNanos, preprocess, queue, compute, postprocess));
  }

  private void recordSuccess(
      LoadedModel model, PhaseTimings t, long inputBytes, String label, double confidence) {
    metrics.inferenceSucceeded(
        model.name(),
        model.version(),
        t.decodeNanos(),
        t.preprocessNanos(),
        t.queueNanos(),
        t.computeNanos(),
        t.postprocessNanos(),
        inputBytes,
        label,
        confidence);
  }

  /** An image request's drift features: size, mean of each channel, top-1 confidence and class. */
  private void observeDrift(
      LoadedModel model, BufferedImage image, float[] pixels, Classification.Prediction top) {
    Map<String, Double> features = new LinkedHashMap<>();
    features.put("confidence", top.confidence());
    features.put("width", (double) image.getWidth());
    features.put("height", (double) image.getHeight());
    int plane = pixels.length / 3;
    String[] channels = {"channel_0_mean", "channel_1_mean", "channel_2_mean"};
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        sum += pixels[i];
      }
      features.put(channels[c], sum / plane);
    }
    drift.observe(model.name(), features, top.label());
  }

  /** A tensor request's drift features: the mean of each numeric input. */
  static Map<String, Double> inputMeans(Map<String, Tensor> inputs) {
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Object d = e.getValue().data();
      double sum = 0;
      int n = java.lang.reflect.Array.getLength(d);
      switch (d) {
        case float[] f -> {
          for (float v : f) {
            sum += v;
          }
        }
        case double[] f -> {
          for (double v : f) {
            sum += v;
          }
        }
        case long[] f -> {
          for (long v : f) {
            sum += v;
          }
        }
        case int[] f -> {
          for (int v : f) {
            sum += v;
          }
        }
        default -> {
          continue; // BYTES, BOOL, 8- and 16-bit types: no mean worth comparing
        }
      }
      if (n > 0) {
        means.put("input_" + e.getKey() + "_mean", sum / n);
      }
    }
    return means;
  }

  /** The {@code outcome} label of a failed request. */
  static String outcome(ArgusException e) {
    return switch (e) {
      case ArgusException.InvalidInput x -> "invalid_input";
      case ArgusException.QueueFull x -> "rejected";
      case ArgusException.ShuttingDown x -> "rejected";
      case ArgusException.DeadlineExceeded x -> "timeout";
      default -> "error";
    };
  }

  private Classification classifyWith(
      LoadedModel model, byte[] image, int k, long deadline, Duration timeout) {
    ModelSettings settings = model.settings();
    long t0 = System.nanoTime();
    BufferedImage decoded;
    try {
      decoded = decoder.decode(image);
    } catch (InvalidImageException e) {
      tracing.phase("decode", t0, System.nanoTime(), e);
      throw new ArgusException.InvalidInput(e.getMessage(), e);
    }
    long t1 = System.nanoTime();
    tracing.phase("decode", t0, t1, null);
    ImageTransform transform = transformFor(settings.preprocessing());
    float[] pixels = transform.apply(decoded);
    String inputName = inputName(model);
    Tensor input = Tensor.ofFloats(Shape.of(1, 3, transform.height(), transform.width()), pixels);
    long t2 = System.nanoTime();
    tracing.phase("preprocess", t1, t2, null);
    BatchResult result;
    try {
      result = run(model, Map.of(inputName, input), deadline, timeout);
    } catch (ArgusException e) {
      // Queued and never run (or refused): the whole wait is the queue phase.
      tracing.phase("queue", t2, System.nanoTime(), e);
      throw e;
    }
    long t3 = System.nanoTime();
    // The batch span holds compute; the queue phase is the wait before the batch started.
    tracing.phase("queue", t2, t2 + result.queueNanos(), null);
    List<Classification.Prediction> predictions = postprocess(model, result.outputs(), 0, k);
    if (drift.enabled()) {
      observeDrift(model, decoded, pixels, predictions.get(0));
    }
    long t4 = System.nanoTime();
    tracing.phase("postprocess", t3, t4, null);
    String scoreOutput =
        settings.output().outputName().orElse(result.outputs().keySet().iterator().next());
    return new Classification(
        model.name(),
        model.version(),
        predictions,
        result.batchSize(),
        input.shape().toString(),
        String.valueOf(result.outputs().get(scoreOutput).shape()),
        new PhaseTimings(t1 - t0, t2 - t1, result.queueNanos(), result.computeNanos(), t4 - t3));
  }

  /**
   * Runs one request through the model's batcher and waits for it, never past its deadline.
   *
   * @throws ArgusException.QueueFull, ShuttingDown, DeadlineExceeded or InferenceFailed
   */
  BatchResult run(LoadedModel model, Map<String, Tensor> inputs, long deadline, Duration timeout) {
    DynamicBatcher batcher = batchers.batcherFor(model);
    long remaining = deadline - batchers.ticker().nanoTime();
    if (remaining <= 0) {
      throw deadlineExceeded(model, timeout);
    }
    CompletableFuture<BatchResult> pending;
    try {
      pending = batcher.submit(inputs, deadline);
    } catch (BatchRejectedException e) {
      if (e.queueFull()) {
        throw ArgusException.QueueFull.forQueue(model.name(), e.capacity(), RETRY_AFTER);
      }
      throw new ArgusException.ShuttingDown();
    }
    try {
      return pending.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw deadlineExceeded(model, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DeadlineExpiredException) {
        throw deadlineExceeded(model, timeout);
      }
      if (cause instanceof BatchRejectedException) {
        throw new ArgusException.ShuttingDown();
      }
      throw new ArgusException.InferenceFailed(
          "model '" + model.name() + "' failed: " + cause.getMessage(), cause);
    }
  }

  private static ArgusException.DeadlineExceeded deadlineExceeded(
      LoadedModel model, Duration timeout) {
    return new ArgusException.DeadlineExceeded(
        "model '"
            + model.name()
            + "' did not answer within the request's deadline of "
            + timeout.toMillis()
            + " ms (server.request_timeout or X-Request-Timeout-Ms)");
  }

  static ImageTransform transformFor(ModelSettings.PreprocessingSettings p) {
    return p.isStretch()
        ? ImageTransform.stretch(p.width(), p.height(), p.mean(), p.std())
        : ImageTransform.shorterSideThenCrop(p.shorterSide(), p.crop(), p.mean(), p.std());
  }

  private static String inputName(LoadedModel model) {
    List<TensorSpec> inputs = model.model().metadata().inputs();
    return model.settings().inputName().orElse(inputs.get(0).name());
  }

  /** Top-k predictions from row {@code row} of the model's score output. */
  static List<Classification.Prediction> postprocess(
      LoadedModel model, Map<String, Tensor> outputs, int row, int topK) {
    ModelSettings.OutputSettings out = model.settings().output();
    String name = out.outputName().orElse(outputs.keySet().iterator().next());
    Tensor scores = outputs.get(name);
    if (scores == null) {
      throw new ArgusException.InferenceFailed(
          "model '" + model.name() + "' has no output '" + name + "' (model.yaml output.name)",
          null);
    }
    float[] all = scores.floats();
    int classes = (int) scores.shape().dim(scores.shape().rank() - 1);
    float[] probabilities =
        out.isLogits()
            ? Scores.softmax(all, row * classes, classes)
            : java.util.Arrays.copyOfRange(all, row * classes, (row + 1) * classes);
    List<Classification.Prediction> predictions = new ArrayList<>();
    for (int classId : Scores.topK(probabilities, topK)) {
      String label =
          classId < model.labels().size() ? model.labels().get(classId) : String.valueOf(classId);
      predictions.add(new Classification.Prediction(label, classId, probabilities[classId]));
    }
    return predictions;
  }
}
