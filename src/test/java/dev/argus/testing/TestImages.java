package dev.argus.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Hand-made image bytes for tests. */
public final class TestImages {
  private TestImages() {}

  /** A PNG signature and IHDR chunk that claim the given size, with no pixel data. */
  public static byte[] pngHeader(int width, int height) {
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

  /** A real 16x16 JPEG whose frame header (SOF0) claims {@code width} x {@code height}. */
  public static byte[] jpegClaiming(int width, int height) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(
          new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_3BYTE_BGR),
          "jpg",
          out);
      byte[] jpeg = out.toByteArray();
      for (int i = 2; i + 8 < jpeg.length; i++) {
        if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
          // FFC0, length (2), precision (1), height (2), width (2)
          jpeg[i + 5] = (byte) (height >> 8);
          jpeg[i + 6] = (byte) height;
          jpeg[i + 7] = (byte) (width >> 8);
          jpeg[i + 8] = (byte) width;
          return jpeg;
        }
      }
      throw new IllegalStateException("no SOF0 marker in ImageIO's JPEG");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
