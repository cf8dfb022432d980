package dev.argus.service;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that images being decoded may take together ({@code limits.max_decoded_bytes}, by
 * default half the heap), taken from each image's header before its pixels are allocated. An image
 * that does not fit beside those in flight is refused with 503 and {@code Retry-After}: a burst of
 * large images is shed instead of exhausting the heap and failing everyone.
 */
final class MemoryBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  MemoryBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    }
    this.limit = limit;
  }

  /** Bytes a decoded {@code width x height} image and its input tensor may take at most. */
  static long costOf(long width, long height, long tensorElements) {
    // The decoded raster (at most 4 bytes a pixel), then the float tensor made from it.
    return width * height * 4 + tensorElements * 4;
  }

  /** A share of the budget; closing it more than once gives it back once. */
  final class Reservation implements AutoCloseable {
    private final long bytes;
    private boolean closed;

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        used.addAndGet(-bytes);
      }
    }
  }

  /**
   * Takes {@code bytes}, or refuses at once.
   *
   * @throws ArgusException.QueueFull when they do not fit beside what is in use
   */
  Reservation reserve(long bytes, String what) {
    while (true) {
      long now = used.get();
      if (now + bytes > limit) {
        throw new ArgusException.QueueFull(
            ArgusException.QueueFull.Limit.MEMORY,
            "server is overloaded: decoding "
                + what
                + " needs about "
                + mib(bytes)
                + " MiB and "
                + mib(now)
                + " MiB of the "
                + mib(limit)
                + " MiB budget are in use (limits.max_decoded_bytes)",
            Admission.RETRY_AFTER);
      }
      if (used.compareAndSet(now, now + bytes)) {
        return new Reservation(bytes);
      }
    }
  }

  long used() {
    return used.get();
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
