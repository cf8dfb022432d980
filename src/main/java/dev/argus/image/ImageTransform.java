package dev.argus.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

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

  /**
   * Whether an image decoded at {@code w} x {@code h} still has at least the pixels this transform
   * samples from: the output size for a stretch, the shorter side for a resize-and-crop. A decoder
   * that can shrink while decoding (JPEG's DCT scaling) shrinks to the smallest such size.
   */
  public boolean accepts(int w, int h) {
    return stretch ? w >= width && h >= height : Math.min(w, h) >= shorterSide;
  }

  /** The tensor data, {@code 3 * height * width} floats in CHW order (R, G, B planes). */
  public float[] apply(BufferedImage image) {
    return apply(PackedPixels.of(image));
  }

  /** The tensor data of {@code pixels}, {@code 3 * height * width} floats in CHW order. */
  public float[] apply(PackedPixels pixels) {
    float[] out = new float[3 * height * width];
    applyInto(pixels, out, 0);
    return out;
  }

  /** Writes the CHW tensor of {@code src} into {@code out} starting at {@code offsetInOut}. */
  public void applyInto(PackedPixels src, float[] out, int offsetInOut) {
    int srcW = src.width();
    int srcH = src.height();
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

    ByteBuffer data = src.data();
    int stride = src.stride();
    int rowBytes = srcW * stride;
    int plane = width * height;
    int red = src.red();
    int green = src.green();
    int blue = src.blue();
    if (sx == 1 && sy == 1 && left == 0 && top == 0) {
      byte[] row = new byte[rowBytes];
      // The source is already the output size: no interpolation, only the normalisation (the
      // same arithmetic the general path does with zero weights, so the same floats).
      for (int oy = 0; oy < height; oy++) {
        data.get(oy * rowBytes, row, 0, rowBytes);
        int o = offsetInOut + oy * width;
        for (int ox = 0; ox < width; ox++) {
          int i = ox * stride;
          out[o + ox] = (row[i + red] & 0xff) * scale[0] + offset[0];
          out[o + plane + ox] = (row[i + green] & 0xff) * scale[1] + offset[1];
          out[o + 2 * plane + ox] = (row[i + blue] & 0xff) * scale[2] + offset[2];
        }
      }
      return;
    }

    // Byte offsets of each output column's two source pixels, and the weight of the right one.
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] wx = new float[width];
    for (int ox = 0; ox < width; ox++) {
      double fx = Math.max(0, Math.min(srcW - 1, (ox + left + 0.5) * sx - 0.5));
      int ix = (int) fx;
      x0[ox] = ix * stride;
      x1[ox] = Math.min(ix + 1, srcW - 1) * stride;
      wx[ox] = (float) (fx - ix);
    }
    // Each source row the output needs is read once into the heap, so the loops below read arrays
    // instead of making bounds-checked buffer reads; consecutive output rows share source rows.
    byte[] upperRow = new byte[rowBytes];
    byte[] lowerRow = new byte[rowBytes];
    int upperY = -1;
    int lowerY = -1;
    int[] channel = {red, green, blue};
    for (int oy = 0; oy < height; oy++) {
      double fy = Math.max(0, Math.min(srcH - 1, (oy + top + 0.5) * sy - 0.5));
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, srcH - 1);
      if (y0 != upperY) {
        if (y0 == lowerY) {
          byte[] t = upperRow;
          upperRow = lowerRow;
          lowerRow = t;
          lowerY = upperY;
        } else {
          data.get(y0 * rowBytes, upperRow, 0, rowBytes);
        }
        upperY = y0;
      }
      if (y1 != lowerY) {
        data.get(y1 * rowBytes, lowerRow, 0, rowBytes);
        lowerY = y1;
      }
      float wy = (float) (fy - y0);
      int row = offsetInOut + oy * width;
      for (int ch = 0; ch < 3; ch++) {
        int c = channel[ch];
        float sc = scale[ch];
        float of = offset[ch];
        int o = row + ch * plane;
        for (int ox = 0; ox < width; ox++) {
          float fx = wx[ox];
          float a = upperRow[x0[ox] + c] & 0xff;
          float b = upperRow[x1[ox] + c] & 0xff;
          float d0 = lowerRow[x0[ox] + c] & 0xff;
          float d1 = lowerRow[x1[ox] + c] & 0xff;
          float upper = a + (b - a) * fx;
          float lower = d0 + (d1 - d0) * fx;
          out[o + ox] = (upper + (lower - upper) * wy) * sc + of;
        }
      }
    }
  }
}
