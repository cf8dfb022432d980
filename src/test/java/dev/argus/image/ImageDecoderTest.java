package dev.argus.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
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
    byte[] png = pngHeader(30_000, 30_000);
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

  /** A PNG signature and IHDR chunk that claim the given size, with no pixel data. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return png.array();
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
