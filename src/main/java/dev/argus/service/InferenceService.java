package dev.argus.service;

import dev.argus.config.ModelSettings;
import dev.argus.image.ImageDecoder;
import dev.argus.image.ImageTransform;
import dev.argus.image.InvalidImageException;
import dev.argus.image.Scores;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelRegistry;
import dev.argus.model.ModelRepository;
import dev.argus.model.TensorSpec;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Protocol-independent inference: resolve the model, decode and preprocess the input, run the
 * model, and turn its output into an answer. Transports stay thin and call this.
 */
public final class InferenceService {
  /** Upper bound for {@code top_k}; more is clamped to the number of classes anyway. */
  public static final int MAX_TOP_K = 1000;

  private final ModelRegistry registry;
  private final ImageDecoder decoder;
  private final Optional<String> defaultModel;

  public InferenceService(
      ModelRegistry registry, ImageDecoder decoder, Optional<String> defaultModel) {
    this.registry = registry;
    this.decoder = decoder;
    this.defaultModel = defaultModel;
  }

  /** A served model's name, version and state, for listings. */
  public record ModelState(String name, String version, String state, String reason) {}

  /** Every model in the repository and where it is in its life. */
  public List<ModelState> models() {
    return registry.statuses().stream()
        .map(s ->
            new ModelState(
                s.name(),
                s.version(),
                s.state().name().toLowerCase(java.util.Locale.ROOT),
                s.reason()))
        .toList();
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
    return registry
        .ready(name)
        .orElseThrow(() -> new ArgusException.ModelNotReady(name, status.reason()));
  }

  /**
   * Classifies one encoded image.
   *
   * @param modelName the model, or {@code null} for the default one
   * @param topK how many classes to return, or 0 for the model's {@code top_k}
   */
  public Classification classify(String modelName, byte[] image, int topK) {
    if (topK < 0 || topK > MAX_TOP_K) {
      throw new ArgusException.InvalidInput("top_k: " + topK + " (expected: 1.." + MAX_TOP_K + ")");
    }
    LoadedModel model = readyModel(modelName == null ? defaultModelName() : modelName);
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
    long t0 = System.nanoTime();
    BufferedImage decoded;
    try {
      decoded = decoder.decode(image);
    } catch (InvalidImageException e) {
      throw new ArgusException.InvalidInput(e.getMessage(), e);
    }
    long t1 = System.nanoTime();
    ImageTransform transform = transformFor(settings.preprocessing());
    float[] pixels = transform.apply(decoded);
    String inputName = inputName(model);
    Tensor input = Tensor.ofFloats(Shape.of(1, 3, transform.height(), transform.width()), pixels);
    long t2 = System.nanoTime();
    Map<String, Tensor> outputs;
    try {
      outputs = model.model().run(Map.of(inputName, input));
    } catch (ModelExecutionException e) {
      throw new ArgusException.InferenceFailed(
          "model '" + model.name() + "' failed: " + e.getMessage(), e);
    }
    long t3 = System.nanoTime();
    List<Classification.Prediction> predictions = postprocess(model, outputs, 0, k);
    long t4 = System.nanoTime();
    return new Classification(
        model.name(),
        model.version(),
        predictions,
        new PhaseTimings(t1 - t0, t2 - t1, 0, t3 - t2, t4 - t3));
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
