package dev.argus.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Turns a decoded image into a normalised NCHW float tensor of one image: resize (bilinear, pixel
 * centres aligned), optional centre crop, scale to [0,1], then {@code (x - mean) / std} per RGB
 * channel. Only the source pixels the output needs are read; the image is never copied whole.
 */
public final class ImageTransform {
  private final boolean stretch;
  private final int width;
  private final int height;
  private final int shorterSide;
  private final float[] scale = new float[3];
  private final float[] offset = new float[3];

  private ImageTransform(
      boolean stretch, int width, int height, int shorterSide, double[] mean, double[] std) {
    this.stretch = stretch;
    this.width = width;
    this.height = height;
    this.shorterSide = shorterSide;
    for (int c = 0; c < 3; c++) {
      // (v/255 - mean) / std == v * scale + offset
      scale[c] = (float) (1.0 / (255.0 * std[c]));
      offset[c] = (float) (-mean[c] / std[c]);
    }
  }

  /** Resizes the whole image to {@code width} x {@code height}, ignoring the aspect ratio. */
  public static ImageTransform stretch(int width, int height, double[] mean, double[] std) {
    return new ImageTransform(true, width, height, 0, mean, std);
  }

  /** Resizes the shorter side to {@code shorterSide}, then crops the centre {@code crop}². */
  public static ImageTransform shorterSideThenCrop(
      int shorterSide, int crop, double[] mean, double[] std) {
    return new ImageTransform(false, crop, crop, shorterSide, mean, std);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The tensor data, {@code 3 * height * width} floats in CHW order (R, G, B planes). */
  public float[] apply(BufferedImage image) {
    float[] out = new float[3 * height * width];
    applyInto(image, out, 0);
    return out;
  }

  /** Writes the CHW tensor of {@code image} into {@code out} starting at {@code offsetInOut}. */
  public void applyInto(BufferedImage image, float[] out, int offsetInOut) {
    int srcW = image.getWidth();
    int srcH = image.getHeight();
    // Size of the resized image that output pixels are cut from, and where the cut starts.
    double resizedW;
    double resizedH;
    if (stretch) {
      resizedW = width;
      resizedH = height;
    } else if (srcW <= srcH) {
      resizedW = shorterSide;
      resizedH = Math.round((double) srcH * shorterSide / srcW);
    } else {
      resizedH = shorterSide;
      resizedW = Math.round((double) srcW * shorterSide / srcH);
    }
    int left = (int) Math.round((resizedW - width) / 2.0);
    int top = (int) Math.round((resizedH - height) / 2.0);
    double sx = srcW / resizedW;
    double sy = srcH / resizedH;

    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] wx = new float[width];
    for (int ox = 0; ox < width; ox++) {
      double fx = Math.max(0, Math.min(srcW - 1, (ox + left + 0.5) * sx - 0.5));
      x0[ox] = (int) fx;
      x1[ox] = Math.min(x0[ox] + 1, srcW - 1);
      wx[ox] = (float) (fx - x0[ox]);
    }
    Pixels pixels = Pixels.of(image);
    int plane = width * height;
    for (int oy = 0; oy < height; oy++) {
      double fy = Math.max(0, Math.min(srcH - 1, (oy + top + 0.5) * sy - 0.5));
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, srcH - 1);
      float wy = (float) (fy - y0);
      int row = offsetInOut + oy * width;
      for (int ox = 0; ox < width; ox++) {
        int a = pixels.rgb(x0[ox], y0);
        int b = pixels.rgb(x1[ox], y0);
        int c = pixels.rgb(x0[ox], y1);
        int d = pixels.rgb(x1[ox], y1);
        float fx = wx[ox];
        for (int ch = 0; ch < 3; ch++) {
          int shift = 16 - 8 * ch;
          float top0 = lerp((a >> shift) & 0xff, (b >> shift) & 0xff, fx);
          float bottom = lerp((c >> shift) & 0xff, (d >> shift) & 0xff, fx);
          float v = lerp(top0, bottom, wy);
          out[row + ch * plane + ox] = v * scale[ch] + offset[ch];
        }
      }
    }
  }

  private static float lerp(float a, float b, float t) {
    return a + (b - a) * t;
  }

  /** Reads packed 0xRRGGBB pixels; grey becomes R=G=B and alpha is dropped. */
  private interface Pixels {
    int rgb(int x, int y);

    static Pixels of(BufferedImage image) {
      int w = image.getWidth();
      if (image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
          && buffer.getNumBanks() == 1
          && image.getRaster().getParent() == null) {
        byte[] data = buffer.getData();
        switch (image.getType()) {
          case BufferedImage.TYPE_3BYTE_BGR -> {
            return (x, y) -> {
              int i = (y * w + x) * 3;
              return (data[i + 2] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i] & 0xff);
            };
          }
          case BufferedImage.TYPE_BYTE_GRAY -> {
            return (x, y) -> {
              int g = data[y * w + x] & 0xff;
              return g << 16 | g << 8 | g;
            };
          }
          default -> {}
        }
      }
      return (x, y) -> image.getRGB(x, y) & 0xffffff;
    }
  }
}
