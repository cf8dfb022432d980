package dev.argus.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(40_000_000);

  private final ImageDecoder imageIo =
      new ImageDecoder(40_000_000, ImageDecoder.JpegDecoder.IMAGEIO);

  private static byte[] photo() throws Exception {
    return Files.readAllBytes(Path.of("models/image-triage/test-images/meal_1.jpg"));
  }

  private static void requireTurboJpeg() {
    dev.argus.testing.ExternalTools.requireLibrary(
        TurboJpeg.available().isPresent(), "libturbojpeg", "libturbojpeg0");
  }

  @Test
  void decodesARealPhotoWithEitherDecoder() throws Exception {
    requireTurboJpeg();
    for (ImageDecoder d : new ImageDecoder[] {decoder, imageIo}) {
      ImageDecoder.Decoded image = d.decode(photo());

      assertThat(image.width()).isEqualTo(768);
      assertThat(image.height()).isEqualTo(1344);
      assertThat(image.pixels().width()).isEqualTo(768);
    }
    assertThat(decoder.decode(photo()).decoder()).isEqualTo("turbojpeg");
    assertThat(decoder.jpegDecoder()).isEqualTo("turbojpeg");
    assertThat(imageIo.decode(photo()).decoder()).isEqualTo("imageio");
    assertThat(imageIo.jpegDecoder()).isEqualTo("imageio");
  }

  @Test
  void aJpegDecodesStraightToTheSmallestScaleTheTargetAccepts() throws Exception {
    requireTurboJpeg();
    long[] checked = new long[2];
    ImageTransform model = ImageTransform.stretch(224, 224, new double[3], new double[] {1, 1, 1});

    ImageDecoder.Decoded image =
        decoder.decode(
            photo(),
            (w, h) -> {
              checked[0] = w;
              checked[1] = h;
            },
            model::accepts);

    // 768x1344 at 1/2 is 384x672; at 1/4 (192x336) it would be narrower than 224.
    assertThat(image.pixels().width()).isEqualTo(384);
    assertThat(image.pixels().height()).isEqualTo(672);
    assertThat(image.width()).isEqualTo(768);
    assertThat(checked).containsExactly(384, 672); // the memory budget is asked for what is made
    assertThat(imageIo.decode(photo(), (w, h) -> {}, model::accepts).pixels().width())
        .isEqualTo(768); // ImageIO cannot scale while decoding
  }

  @Test
  void theFastPathRefusesTruncatedAndCorruptJpegs() throws Exception {
    requireTurboJpeg();
    byte[] jpeg = photo();
    byte[] corrupt = jpeg.clone();
    for (int i = jpeg.length / 3; i < jpeg.length / 3 + 400; i++) {
      corrupt[i] = (byte) 0xff;
    }

    assertThatThrownBy(() ->
            TurboJpeg.decode(Arrays.copyOf(jpeg, jpeg.length / 2), new TurboJpeg.Header(768, 1344)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("Premature end of JPEG file");
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
        .hasMessageContaining("truncated or corrupt");
    assertThatThrownBy(() -> decoder.decode(corrupt))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("truncated or corrupt");
  }

  @Test
  void theFastPathChecksThePixelCapFromTheHeaderBeforeDecoding() throws Exception {
    requireTurboJpeg();
    byte[] huge = dev.argus.testing.TestImages.jpegClaiming(30_000, 30_000);
    boolean[] asked = {false};

    assertThatThrownBy(
            () -> decoder.decode(huge, (w, h) -> asked[0] = true, ImageDecoder.Target.FULL))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("30000x30000")
        .hasMessageContaining("limits.max_image_pixels");
    assertThat(asked[0]).as("the memory budget was not even asked").isFalse();
  }

  @Test
  void greyJpegsBecomeRgbInBothDecoders() throws Exception {
    requireTurboJpeg();
    BufferedImage grey = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(3, 2, 0, 200);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(grey, "jpg", out);
    ImageTransform identity = ImageTransform.stretch(16, 8, new double[3], new double[] {1, 1, 1});

    float[] fast = identity.apply(decoder.decode(out.toByteArray()).pixels());
    float[] slow = identity.apply(imageIo.decode(out.toByteArray()).pixels());

    int plane = 16 * 8;
    assertThat(fast[2 * 16 + 3])
        .isEqualTo(fast[plane + 2 * 16 + 3])
        .isEqualTo(fast[2 * plane + 2 * 16 + 3]);
    for (int i = 0; i < fast.length; i++) {
      assertThat(fast[i]).isCloseTo(slow[i], org.assertj.core.data.Offset.offset(3f / 255));
    }
  }

  @Test
  void forcingTurboJpegWithoutTheLibraryIsRefusedAndImageIoCanBeForced() {
    if (TurboJpeg.available().isPresent()) {
      assertThat(new ImageDecoder(10, ImageDecoder.JpegDecoder.TURBOJPEG).jpegDecoder())
          .isEqualTo("turbojpeg");
    } else {
      assertThatThrownBy(() -> new ImageDecoder(10, ImageDecoder.JpegDecoder.TURBOJPEG))
          .hasMessageContaining("libturbojpeg cannot be loaded");
    }
    assertThat(new ImageDecoder(10, ImageDecoder.JpegDecoder.IMAGEIO).jpegDecoder())
        .isEqualTo("imageio");
  }

  @Test
  void decodesPng() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB), "png", out);

    ImageDecoder.Decoded png = decoder.decode(out.toByteArray());
    assertThat(png.width()).isEqualTo(3);
    assertThat(png.decoder()).isEqualTo("imageio");
  }

  @Test
  void refusesEmptyBytes() {
    assertThatThrownBy(() -> decoder.decode(new byte[0])).hasMessageContaining("empty");
  }

  @Test
  void refusesText() {
    assertThatThrownBy(() -> decoder.decode("hello".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("not an image");
  }

  @Test
  void imageIoRefusesTruncatedJpeg() throws Exception {
    byte[] jpeg = photo();

    assertThatThrownBy(() -> imageIo.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void refusesHugeImageFromItsHeaderWithoutDecodingIt() {
    byte[] png = dev.argus.testing.TestImages.pngHeader(30_000, 30_000);
    long before = usedHeap();

    assertThatThrownBy(() -> decoder.decode(png))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("30000x30000")
        .hasMessageContaining("limits.max_image_pixels");
    // 900 megapixels decoded would need gigabytes; refusing from the header needs next to nothing.
    assertThat(usedHeap() - before).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void limitMustBePositive() {
    assertThatThrownBy(() -> new ImageDecoder(0)).hasMessageContaining("maxPixels: 0");
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
