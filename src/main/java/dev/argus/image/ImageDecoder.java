package dev.argus.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes encoded images with a cap on pixels that is checked from the header, before any pixel
 * memory is allocated. JPEG goes to libjpeg-turbo ({@link TurboJpeg}) when this machine has it,
 * decoded straight to the smallest DCT-scaled size the model's transform still accepts ({@link
 * Target}); everything else (PNG, GIF, BMP, WBMP, and JPEG without the library) to ImageIO at full
 * size. Both refuse truncated or corrupt data. EXIF orientation is not applied by either.
 */
public final class ImageDecoder {
  /** Which decoder JPEGs go to: {@code auto} is libturbojpeg when loadable, else ImageIO. */
  public enum JpegDecoder {
    AUTO,
    TURBOJPEG,
    IMAGEIO
  }

  /** The decoder names {@link Decoded#decoder} and {@link #jpegDecoder} report. */
  public static final String TURBOJPEG = "turbojpeg";

  public static final String IMAGEIO = "imageio";

  private final long maxPixels;
  private final boolean turbo;

  public ImageDecoder(long maxPixels) {
    this(maxPixels, JpegDecoder.AUTO);
  }

  /**
   * @throws IllegalStateException when {@code jpeg} is {@code TURBOJPEG} and the library is not on
   *     this machine
   */
  public ImageDecoder(long maxPixels, JpegDecoder jpeg) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels: " + maxPixels + " (expected: > 0)");
    }
    this.maxPixels = maxPixels;
    if (jpeg == JpegDecoder.TURBOJPEG && TurboJpeg.available().isEmpty()) {
      throw new IllegalStateException(
          "libturbojpeg cannot be loaded (" + TurboJpeg.unavailableReason() + ")");
    }
    this.turbo = jpeg != JpegDecoder.IMAGEIO && TurboJpeg.available().isPresent();
  }

  /** What decodes JPEGs here: {@value #TURBOJPEG} or {@value #IMAGEIO}. */
  public String jpegDecoder() {
    return turbo ? TURBOJPEG : IMAGEIO;
  }

  /** Why libturbojpeg is not used, when it is not (for the log line at start). */
  public static String turboJpegUnavailableReason() {
    return TurboJpeg.unavailableReason();
  }

  /**
   * The decoded sizes a caller can use: a decoder that can shrink while decoding picks the smallest
   * it accepts ({@link ImageTransform#accepts}).
   */
  @FunctionalInterface
  public interface Target {
    /** Full size only. */
    Target FULL = (width, height) -> false;

    boolean accepts(int width, int height);
  }

  /**
   * A decoded image: its size as sent ({@code width} x {@code height}), its pixels (smaller when
   * DCT-scaled), and which decoder made them. Pixels from libturbojpeg live in the decoding
   * thread's buffer: use them before that thread decodes again.
   */
  public record Decoded(int width, int height, PackedPixels pixels, String decoder) {}

  /** Decodes at full size, without a size check (tests, tools). */
  public Decoded decode(byte[] bytes) {
    return decode(bytes, SizeCheck.NONE, Target.FULL);
  }

  /**
   * Decodes the first image in {@code bytes} at the smallest size {@code target} accepts, once
   * {@code check} has accepted the size that will be decoded.
   *
   * @throws InvalidImageException when the bytes are empty, not an image, truncated or too large
   */
  public Decoded decode(byte[] bytes, SizeCheck check, Target target) {
    if (bytes.length == 0) {
      throw new InvalidImageException("image is empty (0 bytes)");
    }
    if (turbo && isJpeg(bytes)) {
      TurboJpeg.Header header;
      try {
        header = TurboJpeg.header(bytes);
      } catch (InvalidImageException e) {
        header = null; // a JPEG variant libjpeg-turbo does not read: ImageIO has its say
      }
      if (header != null) {
        checkPixels(header.width(), header.height());
        TurboJpeg.Header size = TurboJpeg.scaledSize(header, target);
        check.accept(size.width(), size.height());
        return new Decoded(
            header.width(), header.height(), TurboJpeg.decode(bytes, size), TURBOJPEG);
      }
    }
    BufferedImage image = decodeWithImageIo(bytes, check);
    return new Decoded(image.getWidth(), image.getHeight(), PackedPixels.of(image), IMAGEIO);
  }

  private static boolean isJpeg(byte[] b) {
    return b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
  }

  private void checkPixels(long width, long height) {
    if (width <= 0 || height <= 0) {
      throw new InvalidImageException("image has no pixels (" + width + "x" + height + ")");
    }
    if (width * height > maxPixels) {
      throw new InvalidImageException(
          "image is "
              + width
              + "x"
              + height
              + " = "
              + width * height
              + " pixels (limit: "
              + maxPixels
              + ", limits.max_image_pixels)");
    }
  }

  /** Told an image's size from its header, before any pixel memory is taken; it may refuse. */
  @FunctionalInterface
  public interface SizeCheck {
    SizeCheck NONE = (width, height) -> {};

    /** Throws to refuse decoding an image of this size; what it throws reaches the caller. */
    void accept(long width, long height);
  }

  private BufferedImage decodeWithImageIo(byte[] bytes, SizeCheck check) {
    // A memory-cached stream: ImageIO's default cache would write temporary files per request.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidImageException(
            "body is not an image in a format Argus reads (JPEG, PNG, GIF, BMP, WBMP)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener(collectInto(warnings));
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        checkPixels(width, height);
        try {
          check.accept(width, height);
        } catch (RuntimeException refused) {
          throw new Refused(refused);
        }
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          // ImageIO fills a truncated JPEG with grey and only warns; a prediction on it is wrong.
          throw new InvalidImageException("image is truncated or corrupt: " + warnings.get(0));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidImageException invalid) {
        throw invalid;
      }
      if (e instanceof Refused refused) {
        throw (RuntimeException) refused.getCause();
      }
      // ImageIO wraps what its readers throw, the heap running out included: that is not the
      // client's bad image, and must reach the caller as what it is.
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof OutOfMemoryError oom) {
          throw oom;
        }
      }
      throw new InvalidImageException("image could not be decoded: " + describe(e), e);
    }
  }

  private static IIOReadWarningListener collectInto(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Carries a size check's refusal past the decoder's own failure handling. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(RuntimeException cause) {
      super(cause);
    }
  }
}
