package dev.argus.service;

import dev.argus.image.ImageDecoder;
import dev.argus.image.ImageTransform;
import dev.argus.image.InvalidImageException;
import dev.argus.image.Scores;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelSettings;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image classifier's steps around the model: decode an encoded image (bounded), turn it into the
 * model's input tensor as its {@code model.yaml} says, and turn a row of scores into top-k labelled
 * predictions; plus the drift features of one image.
 */
final class ImagePipeline {
  /** Image tensors kept for reuse, per size: about as many as requests compute at once. */
  static final int KEPT_TENSORS = 16;

  private final ImageDecoder decoder;
  private final FloatArrayPool tensors = new FloatArrayPool(KEPT_TENSORS);

  ImagePipeline(ImageDecoder decoder) {
    this.decoder = decoder;
  }

  /** An image (its size as sent) made into one row of the model's input. */
  record Prepared(int width, int height, Tensor input) {}

  /** Which decoder JPEGs go to ({@code turbojpeg} or {@code imageio}). */
  String jpegDecoder() {
    return decoder.jpegDecoder();
  }

  /**
   * Decodes {@code bytes} for {@code model} (with {@code preprocessing.jpeg_scaling}, a JPEG
   * straight to the smallest DCT-scaled size the preprocessing still accepts), then preprocesses
   * it, on the calling thread (the decoded pixels may live in that thread's buffer).
   *
   * @throws ArgusException.InvalidInput when they are not a usable image
   */
  Prepared prepare(
      LoadedModel model, byte[] bytes, ImageDecoder.SizeCheck check, Runnable decoded) {
    ModelSettings.PreprocessingSettings p = model.settings().preprocessing();
    ImageTransform transform = transformFor(p);
    ImageDecoder.Decoded image;
    try {
      image =
          decoder.decode(
              bytes, check, p.jpegScaling() ? transform::accepts : ImageDecoder.Target.FULL);
    } catch (InvalidImageException e) {
      throw new ArgusException.InvalidInput(e.getMessage(), e);
    }
    decoded.run();
    float[] pixels = tensors.take(3 * transform.height() * transform.width());
    transform.applyInto(image.pixels(), pixels, 0);
    return new Prepared(
        image.width(),
        image.height(),
        Tensor.ofFloats(Shape.of(1, 3, transform.height(), transform.width()), pixels));
  }

  /**
   * Gives {@code image}'s tensor array back for a later request ({@link FloatArrayPool}): only once
   * its request has its answer and its drift features, never after a failure or a timeout.
   */
  void release(Prepared image) {
    tensors.give(image.input().floats());
  }

  static ImageTransform transformFor(ModelSettings.PreprocessingSettings p) {
    return p.isStretch()
        ? ImageTransform.stretch(p.width(), p.height(), p.mean(), p.std())
        : ImageTransform.shorterSideThenCrop(p.shorterSide(), p.crop(), p.mean(), p.std());
  }

  /** The output that holds class scores: {@code output.name} of model.yaml, else the first. */
  static String scoreOutput(LoadedModel model, Map<String, Tensor> outputs) {
    return model.settings().output().outputName().orElse(outputs.keySet().iterator().next());
  }

  /**
   * Top-k predictions from row {@code row} of the model's score output.
   *
   * @throws ArgusException.InferenceFailed when the model has no such output
   */
  static List<Classification.Prediction> topK(
      LoadedModel model, Map<String, Tensor> outputs, int row, int k) {
    ModelSettings.OutputSettings out = model.settings().output();
    String name = scoreOutput(model, outputs);
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
            : Arrays.copyOfRange(all, row * classes, (row + 1) * classes);
    List<Classification.Prediction> predictions = new ArrayList<>();
    for (int classId : Scores.topK(probabilities, k)) {
      String label =
          classId < model.labels().size() ? model.labels().get(classId) : String.valueOf(classId);
      predictions.add(new Classification.Prediction(label, classId, probabilities[classId]));
    }
    return predictions;
  }

  /**
   * The top-1 of each image as the protocol's image outputs, in the order {@code outputs} names
   * them: {@code label} (BYTES), {@code confidence} (FP32), {@code class_id} (INT64), shape [N].
   */
  static Map<String, Tensor> asTensors(List<Classification.Prediction> tops, List<String> outputs) {
    int n = tops.size();
    byte[][] labels = new byte[n][];
    float[] confidences = new float[n];
    long[] classIds = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = tops.get(i).label().getBytes(StandardCharsets.UTF_8);
      confidences[i] = (float) tops.get(i).confidence();
      classIds[i] = tops.get(i).classId();
    }
    Shape shape = Shape.of(n);
    Map<String, Tensor> all = new LinkedHashMap<>();
    all.put("label", Tensor.of(DataType.BYTES, shape, labels));
    all.put("confidence", Tensor.of(DataType.FP32, shape, confidences));
    all.put("class_id", Tensor.of(DataType.INT64, shape, classIds));
    Map<String, Tensor> selected = new LinkedHashMap<>();
    for (String name : outputs) {
      selected.put(name, all.get(name));
    }
    return selected;
  }

  /**
   * An image's drift features: size, mean of each channel of its tensor (from a bounded sample,
   * {@link SampledMean}), top-1 confidence.
   */
  static InferenceOutcome.DriftSample driftSample(Prepared image, Classification.Prediction top) {
    Tensor input = image.input();
    Map<String, Double> features = new LinkedHashMap<>();
    features.put("confidence", top.confidence());
    features.put("width", (double) image.width());
    features.put("height", (double) image.height());
    float[] pixels = input.floats();
    int plane = pixels.length / 3;
    String[] channels = {"channel_0_mean", "channel_1_mean", "channel_2_mean"};
    for (int c = 0; c < 3; c++) {
      features.put(channels[c], SampledMean.of(pixels, c * plane, (c + 1) * plane));
    }
    return new InferenceOutcome.DriftSample(features, top.label());
  }
}
