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
 * Decodes encoded images (whatever ImageIO reads: JPEG, PNG, GIF, BMP, ...) with a cap on pixels
 * that is checked from the header, before any pixel memory is allocated.
 */
public final class ImageDecoder {
  private final long maxPixels;

  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels: " + maxPixels + " (expected: > 0)");
    }
    this.maxPixels = maxPixels;
  }

  /** Told an image's size from its header, before any pixel memory is taken; it may refuse. */
  @FunctionalInterface
  public interface SizeCheck {
    SizeCheck NONE = (width, height) -> {};

    /** Throws to refuse decoding an image of this size; what it throws reaches the caller. */
    void accept(long width, long height);
  }

  /**
   * Decodes the first image in {@code bytes}.
   *
   * @throws InvalidImageException when the bytes are empty, not an image, truncated or too large
   */
  public BufferedImage decode(byte[] bytes) {
    return decode(bytes, SizeCheck.NONE);
  }

  /**
   * Decodes the first image in {@code bytes}, once {@code check} has accepted its size.
   *
   * @throws InvalidImageException when the bytes are empty, not an image, truncated or too large
   */
  public BufferedImage decode(byte[] bytes, SizeCheck check) {
    if (bytes.length == 0) {
      throw new InvalidImageException("image is empty (0 bytes)");
    }
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
