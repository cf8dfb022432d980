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

  @Test
  void decodesARealPhoto() throws Exception {
    BufferedImage image =
        decoder.decode(Files.readAllBytes(Path.of("models/image-triage/test-images/meal_1.jpg")));

    assertThat(image.getWidth()).isEqualTo(768);
    assertThat(image.getHeight()).isEqualTo(1344);
  }

  @Test
  void decodesPng() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB), "png", out);

    assertThat(decoder.decode(out.toByteArray()).getWidth()).isEqualTo(3);
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
  void refusesTruncatedJpeg() throws Exception {
    byte[] jpeg = Files.readAllBytes(Path.of("models/image-triage/test-images/meal_1.jpg"));

    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
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
