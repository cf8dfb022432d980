package dev.argus.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.model.Model;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast path against the exact full-decode path (ImageIO at full size, the same transform), on
 * every bundled photo through the real image-triage model. As shipped, libjpeg-turbo decodes at
 * full size and its tensor is ImageIO's to within 0.03 mean absolute (normalised units; measured:
 * 0); with {@code jpeg_scaling} the DCT-scaled tensor drifts further (the bilinear resize samples
 * other pixels of a smaller image), which is why it is opt-in, but the top-1 class stays.
 */
class ScaledDecodeAccuracyTest {
  private static final double[] MEAN = {0.485, 0.456, 0.406};
  private static final double[] STD = {0.229, 0.224, 0.225};

  @Test
  void everyBundledPhotoKeepsItsTensorWithinToleranceAndItsTopClass() throws Exception {
    ExternalTools.requireLibrary(
        TurboJpeg.available().isPresent(), "libturbojpeg", "libturbojpeg0");
    ImageDecoder fast = new ImageDecoder(40_000_000, ImageDecoder.JpegDecoder.TURBOJPEG);
    ImageDecoder exact = new ImageDecoder(40_000_000, ImageDecoder.JpegDecoder.IMAGEIO);
    ImageTransform transform = ImageTransform.stretch(224, 224, MEAN, STD);
    Path modelFile = TestModels.bundledRepository().resolve("image-triage/1/model.onnx");
    try (Model model =
        new OnnxModelRuntime().load(modelFile, new ModelRuntime.RuntimeOptions(1, false))) {
      for (Path photo : TestModels.labelledPhotos()) {
        byte[] jpeg = Files.readAllBytes(photo);
        float[] reference = transform.apply(exact.decode(jpeg).pixels());
        float[] shipped = transform.apply(fast.decode(jpeg).pixels());
        ImageDecoder.Decoded scaled = fast.decode(jpeg, (w, h) -> {}, transform::accepts);
        float[] opted = transform.apply(scaled.pixels());
        System.out.printf(
            "%s: full %.4f; scaled to %dx%d of %dx%d %.4f mean |fast - exact|%n",
            photo.getFileName(),
            meanAbs(shipped, reference),
            scaled.pixels().width(),
            scaled.pixels().height(),
            scaled.width(),
            scaled.height(),
            meanAbs(opted, reference));

        String name = photo.getFileName().toString();
        assertThat(meanAbs(shipped, reference)).as(name).isLessThanOrEqualTo(0.03);
        assertThat(top1(model, shipped)).as(name).isEqualTo(top1(model, reference));
        assertThat(scaled.pixels().width()).as(name + " was scaled").isLessThan(scaled.width());
        assertThat(top1(model, opted)).as(name + " scaled").isEqualTo(top1(model, reference));
      }
    }
  }

  private static double meanAbs(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }

  private static int top1(Model model, float[] pixels) {
    float[] logits =
        model
            .run(Map.of("input", Tensor.ofFloats(Shape.of(1, 3, 224, 224), pixels)))
            .get("logits")
            .floats();
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
