package dev.argus.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;

/**
 * Decoded pixels as bytes, {@code stride} bytes per pixel, row after row, with the byte offsets of
 * red, green and blue inside a pixel (grey: all three 0). What {@link ImageTransform} reads, from
 * either decoder without a copy: libturbojpeg's RGB output, or ImageIO's BGR, ABGR and grey
 * rasters.
 */
public record PackedPixels(
    ByteBuffer data, int width, int height, int stride, int red, int green, int blue) {
  public PackedPixels {
    if (width <= 0 || height <= 0 || (long) width * height * stride > data.limit()) {
      throw new IllegalArgumentException(
          width + "x" + height + " pixels of " + stride + " bytes do not fit " + data.limit());
    }
  }

  /** Packed RGB: 3 bytes per pixel. */
  public static PackedPixels rgb(ByteBuffer data, int width, int height) {
    return new PackedPixels(data, width, height, 3, 0, 1, 2);
  }

  /**
   * The pixels of {@code image}: its own bytes for the rasters ImageIO decodes JPEG and most PNGs
   * into, a converted copy for any other.
   */
  public static PackedPixels of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getNumBanks() == 1
        && image.getRaster().getParent() == null) {
      ByteBuffer data = ByteBuffer.wrap(buffer.getData());
      switch (image.getType()) {
        case BufferedImage.TYPE_3BYTE_BGR -> {
          return new PackedPixels(data, w, h, 3, 2, 1, 0);
        }
        case BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_4BYTE_ABGR_PRE -> {
          return new PackedPixels(data, w, h, 4, 3, 2, 1);
        }
        case BufferedImage.TYPE_BYTE_GRAY -> {
          return new PackedPixels(data, w, h, 1, 0, 0, 0);
        }
        default -> {}
      }
    }
    byte[] rgb = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        int i = (y * w + x) * 3;
        rgb[i] = (byte) (p >> 16);
        rgb[i + 1] = (byte) (p >> 8);
        rgb[i + 2] = (byte) p;
      }
    }
    return rgb(ByteBuffer.wrap(rgb), w, h);
  }
}
