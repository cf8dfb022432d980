package dev.argus.model;

import dev.argus.config.BatchingConfig;
import dev.argus.config.Check;
import java.util.Optional;
import java.util.Set;

/**
 * One model's {@code model.yaml}: what kind of model it is and how requests become its inputs.
 *
 * <pre>{@code
 * kind: image_classifier
 * labels: labels.txt
 * output: {name: logits, scores: logits}
 * preprocessing: {resize: stretch, width: 224, height: 224, mean: [...], std: [...]}
 * }</pre>
 */
public record ModelSettings(
    String kind,
    String labels,
    String input,
    OutputSettings output,
    PreprocessingSettings preprocessing,
    Integer topK,
    BatchingConfig batching) {
  public static final String IMAGE_CLASSIFIER = "image_classifier";
  public static final String TENSOR = "tensor";
  private static final Set<String> KINDS = Set.of(IMAGE_CLASSIFIER, TENSOR);

  public ModelSettings {
    kind = kind == null ? TENSOR : kind;
    Check.that(KINDS.contains(kind), "kind", kind, "image_classifier or tensor");
    labels = labels == null ? "" : labels;
    input = input == null ? "" : input;
    output = output == null ? new OutputSettings(null, null) : output;
    topK = topK == null ? 5 : topK;
    batching = batching == null ? new BatchingConfig(null, null, null, null, null, null) : batching;
    Check.that(topK > 0, "top_k", topK, "> 0");
    if (kind.equals(IMAGE_CLASSIFIER)) {
      Check.that(
          preprocessing != null, "preprocessing", null, "a preprocessing section for image models");
    }
  }

  public boolean isImageClassifier() {
    return kind.equals(IMAGE_CLASSIFIER);
  }

  /** The labels file, relative to the model's folder. */
  public Optional<String> labelsFile() {
    return labels.isEmpty() ? Optional.empty() : Optional.of(labels);
  }

  /** The input to feed, when the model has several. */
  public Optional<String> inputName() {
    return input.isEmpty() ? Optional.empty() : Optional.of(input);
  }

  /** Which output holds class scores, and whether they are logits (softmax applied) or not. */
  public record OutputSettings(String name, String scores) {
    private static final Set<String> SCORES = Set.of("logits", "probabilities");

    public OutputSettings {
      name = name == null ? "" : name;
      scores = scores == null ? "probabilities" : scores;
      Check.that(SCORES.contains(scores), "scores", scores, "logits or probabilities");
    }

    public Optional<String> outputName() {
      return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    public boolean isLogits() {
      return scores.equals("logits");
    }
  }

  /**
   * How an image becomes a tensor: {@code resize: stretch} scales to {@code width} x {@code
   * height}; {@code resize: shorter_side} scales the shorter side to {@code shorter_side} and
   * centre-crops {@code crop} x {@code crop}. Pixels are scaled to [0,1], then normalised with
   * {@code mean} and {@code std} per RGB channel, and laid out NCHW. {@code jpeg_scaling: true}
   * lets libjpeg-turbo decode a JPEG at 1/2, 1/4 or 1/8 of its size when that still covers the
   * output: faster, but not the same tensor (docs/model-repository.md).
   */
  public record PreprocessingSettings(
      String resize,
      Integer width,
      Integer height,
      Integer shorterSide,
      Integer crop,
      double[] mean,
      double[] std,
      Boolean jpegScaling) {
    public PreprocessingSettings {
      jpegScaling = jpegScaling != null && jpegScaling;
      resize = resize == null ? "stretch" : resize;
      Check.that(
          resize.equals("stretch") || resize.equals("shorter_side"),
          "resize",
          resize,
          "stretch or shorter_side");
      if (resize.equals("stretch")) {
        Check.that(width != null && width > 0, "width", width, "> 0 with resize: stretch");
        Check.that(height != null && height > 0, "height", height, "> 0 with resize: stretch");
      } else {
        Check.that(
            shorterSide != null && shorterSide > 0,
            "shorter_side",
            shorterSide,
            "> 0 with resize: shorter_side");
        Check.that(
            crop != null && crop > 0 && crop <= shorterSide,
            "crop",
            crop,
            "> 0 and <= shorter_side");
      }
      mean = mean == null ? new double[] {0, 0, 0} : mean;
      std = std == null ? new double[] {1, 1, 1} : std;
      Check.that(mean.length == 3, "mean", java.util.Arrays.toString(mean), "3 values (R, G, B)");
      Check.that(
          std.length == 3 && std[0] > 0 && std[1] > 0 && std[2] > 0,
          "std",
          java.util.Arrays.toString(std),
          "3 values > 0 (R, G, B)");
    }

    public boolean isStretch() {
      return resize.equals("stretch");
    }

    /** Width of the tensor image. */
    public int outputWidth() {
      return isStretch() ? width : crop;
    }

    /** Height of the tensor image. */
    public int outputHeight() {
      return isStretch() ? height : crop;
    }
  }
}
