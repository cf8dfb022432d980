package dev.argus.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageTransformTest {
  private static final double[] ZERO = {0, 0, 0};
  private static final double[] ONE = {1, 1, 1};

  @Test
  void solidColourBecomesScaledPlanesInRgbOrder() {
    BufferedImage image = solid(BufferedImage.TYPE_3BYTE_BGR, 40, 30, new Color(255, 128, 0));

    float[] out = ImageTransform.stretch(4, 2, ZERO, ONE).apply(image);

    assertThat(out).hasSize(3 * 2 * 4);
    for (int i = 0; i < 8; i++) {
      assertThat(out[i]).isCloseTo(1.0f, within(1e-6f));
      assertThat(out[8 + i]).isCloseTo(128 / 255f, within(1e-6f));
      assertThat(out[16 + i]).isCloseTo(0f, within(1e-6f));
    }
  }

  @Test
  void normalisesWithMeanAndStd() {
    BufferedImage image = solid(BufferedImage.TYPE_INT_RGB, 10, 10, new Color(255, 255, 255));
    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};

    float[] out = ImageTransform.stretch(2, 2, mean, std).apply(image);

    assertThat(out[0]).isCloseTo((float) ((1 - 0.485) / 0.229), within(1e-5f));
    assertThat(out[4]).isCloseTo((float) ((1 - 0.456) / 0.224), within(1e-5f));
    assertThat(out[8]).isCloseTo((float) ((1 - 0.406) / 0.225), within(1e-5f));
  }

  @Test
  void greyImageGivesEqualChannels() {
    BufferedImage image = solid(BufferedImage.TYPE_BYTE_GRAY, 16, 16, new Color(100, 100, 100));

    float[] out = ImageTransform.stretch(2, 2, ZERO, ONE).apply(image);

    assertThat(out[0]).isEqualTo(out[4]).isEqualTo(out[8]);
    assertThat(out[0]).isCloseTo(100 / 255f, within(0.01f));
  }

  @Test
  void alphaIsDropped() {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        image.setRGB(x, y, 0x200000ff); // almost transparent blue
      }
    }

    float[] out = ImageTransform.stretch(1, 1, ZERO, ONE).apply(image);

    assertThat(out).containsExactly(0f, 0f, 1f);
  }

  @Test
  void anImageAlreadyAtTheOutputSizeIsOnlyNormalised() {
    BufferedImage image = random(7, 5, 1);
    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};

    float[] out = ImageTransform.stretch(7, 5, mean, std).apply(image);

    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        int rgb = image.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          int v = (rgb >> (16 - 8 * c)) & 0xff;
          float expected = v * (float) (1.0 / (255.0 * std[c])) + (float) (-mean[c] / std[c]);
          assertThat(out[c * 35 + y * 7 + x]).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void upAndDownscalingMatchAPlainBilinearReference() {
    // Upscaling reuses a source row for several output rows, downscaling skips rows: both must
    // read the same pixels a straightforward per-pixel bilinear does.
    int[][] cases = {{5, 4, 13, 11}, {37, 29, 8, 6}, {3, 1, 2, 5}, {10, 10, 10, 3}};
    for (int[] k : cases) {
      BufferedImage image = random(k[0], k[1], k[0] * 31 + k[1]);
      float[] out = ImageTransform.stretch(k[2], k[3], ZERO, ONE).apply(image);
      float[] expected = referenceStretch(image, k[2], k[3]);
      for (int i = 0; i < out.length; i++) {
        assertThat(out[i])
            .as("case %s, element %d", java.util.Arrays.toString(k), i)
            .isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  private static float[] referenceStretch(BufferedImage image, int w, int h) {
    int sw = image.getWidth();
    int sh = image.getHeight();
    float[] out = new float[3 * w * h];
    for (int oy = 0; oy < h; oy++) {
      double fy = Math.max(0, Math.min(sh - 1, (oy + 0.5) * sh / h - 0.5));
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, sh - 1);
      for (int ox = 0; ox < w; ox++) {
        double fx = Math.max(0, Math.min(sw - 1, (ox + 0.5) * sw / w - 0.5));
        int x0 = (int) fx;
        int x1 = Math.min(x0 + 1, sw - 1);
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          double a = (image.getRGB(x0, y0) >> shift) & 0xff;
          double b = (image.getRGB(x1, y0) >> shift) & 0xff;
          double d = (image.getRGB(x0, y1) >> shift) & 0xff;
          double e = (image.getRGB(x1, y1) >> shift) & 0xff;
          double upper = a + (b - a) * (fx - x0);
          double lower = d + (e - d) * (fx - x0);
          out[c * w * h + oy * w + ox] = (float) ((upper + (lower - upper) * (fy - y0)) / 255.0);
        }
      }
    }
    return out;
  }

  private static BufferedImage random(int w, int h, long seed) {
    java.util.Random random = new java.util.Random(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  @Test
  void bilinearInterpolatesBetweenPixelCentres() {
    // Two columns, black then white: downscaling to one pixel averages them.
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x000000);
    image.setRGB(1, 0, 0xffffff);

    float[] out = ImageTransform.stretch(1, 1, ZERO, ONE).apply(image);

    assertThat(out[0]).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void shorterSideThenCropTakesTheCentre() {
    // 300x100: left third red, middle third green, right third blue. Shorter side 30 -> 90x30,
    // the centre 30x30 crop is all green.
    BufferedImage image = new BufferedImage(300, 100, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 100, 100);
    g.setColor(Color.GREEN);
    g.fillRect(100, 0, 100, 100);
    g.setColor(Color.BLUE);
    g.fillRect(200, 0, 100, 100);
    g.dispose();

    ImageTransform t = ImageTransform.shorterSideThenCrop(30, 30, ZERO, ONE);
    float[] out = t.apply(image);

    assertThat(t.width()).isEqualTo(30);
    int plane = 30 * 30;
    int centre = 15 * 30 + 15;
    assertThat(out[centre]).isCloseTo(0f, within(1e-6f));
    assertThat(out[plane + centre]).isCloseTo(1f, within(1e-6f));
    assertThat(out[2 * plane + centre]).isCloseTo(0f, within(1e-6f));
  }

  private static BufferedImage solid(int type, int w, int h, Color c) {
    BufferedImage image = new BufferedImage(w, h, type);
    Graphics2D g = image.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return image;
  }
}
