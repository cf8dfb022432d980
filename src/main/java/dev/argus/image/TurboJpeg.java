package dev.argus.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Optional;

/**
 * JPEG decoding with the system's libjpeg-turbo (its TurboJPEG API, {@code libturbojpeg.so.0},
 * Debian's {@code libturbojpeg0}), through JNA: about 3-4x faster than ImageIO at full size, and
 * with DCT-domain scaling it decodes straight to 1/2, 1/4 or 1/8 of the size (and 3/8, 5/8, ...),
 * skipping most of the work for an image far larger than the model's input. Loaded once; {@link
 * #available} says whether this machine has the library.
 *
 * <p>Each thread has its own decompressor handle (TurboJPEG handles are not thread-safe) and its
 * own output buffer, reused from one decode to the next: pixels handed to a caller are valid only
 * until that thread decodes again. Any warning (a truncated or corrupt file, which libjpeg would
 * fill with grey) fails the decode ({@code TJFLAG_STOPONWARNING}), as ImageIO's warnings do.
 */
final class TurboJpeg {
  private static final int TJPF_RGB = 0;
  private static final int TJFLAG_STOPONWARNING = 8192;

  /** Output buffers larger than this are freed after use rather than kept for the thread. */
  private static final long KEEP_BUFFER_BYTES = 16L << 20;

  /**
   * The scaling factors used, in eighths, largest first: the power-of-two ones. libjpeg-turbo also
   * implements 7/8, 3/4, ..., 3/8, but their odd-sized IDCTs measured slower here than decoding at
   * the next power of two (docs/performance.md).
   */
  private static final List<Integer> EIGHTHS = List.of(8, 4, 2, 1);

  private static final Optional<String> LOADED = load();

  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

  private TurboJpeg() {}

  /** What was loaded ({@code "libturbojpeg"}), or empty when the library is not on this machine. */
  static Optional<String> available() {
    return LOADED;
  }

  /** Why the library is not available, for the log line at start; empty when it is. */
  static String unavailableReason() {
    return LOADED.isPresent() ? "" : loadFailure;
  }

  private static String loadFailure = "";

  private static Optional<String> load() {
    for (String name : new String[] {"turbojpeg", "libturbojpeg.so.0"}) {
      try {
        NativeLibrary library = NativeLibrary.getInstance(name);
        Native.register(TurboJpeg.class, library);
        return Optional.of(library.getFile() == null ? name : library.getFile().getName());
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        loadFailure = String.valueOf(e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static native Pointer tjInitDecompress();

  private static native int tjDecompressHeader3(
      Pointer handle,
      byte[] jpeg,
      NativeLong size,
      int[] width,
      int[] height,
      int[] subsampling,
      int[] colorspace);

  private static native int tjDecompress2(
      Pointer handle,
      byte[] jpeg,
      NativeLong size,
      Pointer destination,
      int width,
      int pitch,
      int height,
      int pixelFormat,
      int flags);

  private static native String tjGetErrorStr2(Pointer handle);

  /** A thread's decompressor and output buffer. */
  private static final class State {
    final Pointer handle = tjInitDecompress();
    Memory buffer;
  }

  /** An image's size from its header. */
  record Header(int width, int height) {}

  /**
   * Reads the header.
   *
   * @throws InvalidImageException when the bytes are not a JPEG libjpeg-turbo reads
   */
  static Header header(byte[] jpeg) {
    State s = STATE.get();
    int[] w = new int[1];
    int[] h = new int[1];
    int[] subsampling = new int[1];
    int[] colorspace = new int[1];
    if (tjDecompressHeader3(
            s.handle, jpeg, new NativeLong(jpeg.length), w, h, subsampling, colorspace)
        != 0) {
      throw new InvalidImageException("image could not be decoded: " + tjGetErrorStr2(s.handle));
    }
    return new Header(w[0], h[0]);
  }

  /**
   * The smallest size libjpeg-turbo can decode {@code header} to that {@code accepts} takes: the
   * full size when no reduction does.
   */
  static Header scaledSize(Header header, ImageDecoder.Target accepts) {
    Header best = header;
    for (int eighths : EIGHTHS) {
      Header scaled =
          new Header((header.width() * eighths + 7) / 8, (header.height() * eighths + 7) / 8);
      if (!accepts.accepts(scaled.width(), scaled.height())) {
        break;
      }
      best = scaled;
    }
    return best;
  }

  /**
   * Decodes {@code jpeg} to RGB at {@code size} (one of {@link #scaledSize}'s answers) into this
   * thread's buffer.
   *
   * @throws InvalidImageException when the data is truncated or corrupt
   */
  static PackedPixels decode(byte[] jpeg, Header size) {
    State s = STATE.get();
    long bytes = 3L * size.width() * size.height();
    // Grown for a large image, shrunk again at the next ordinary one: a thread keeps at most
    // KEEP_BUFFER_BYTES between images (the previous pixels are no longer anyone's by now).
    boolean shrink =
        s.buffer != null && s.buffer.size() > KEEP_BUFFER_BYTES && bytes <= KEEP_BUFFER_BYTES;
    if (s.buffer == null || s.buffer.size() < bytes || shrink) {
      if (s.buffer != null) {
        s.buffer.close();
      }
      s.buffer = new Memory(Math.max(bytes, 1));
    }
    Memory out = s.buffer;
    int rc =
        tjDecompress2(
            s.handle,
            jpeg,
            new NativeLong(jpeg.length),
            out,
            size.width(),
            0,
            size.height(),
            TJPF_RGB,
            TJFLAG_STOPONWARNING);
    if (rc != 0) {
      throw new InvalidImageException("image is truncated or corrupt: " + tjGetErrorStr2(s.handle));
    }
    return PackedPixels.rgb(out.getByteBuffer(0, bytes), size.width(), size.height());
  }
}
