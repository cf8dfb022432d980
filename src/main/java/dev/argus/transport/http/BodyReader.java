package dev.argus.transport.http;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/**
 * Reads one request body on a virtual thread of its own while the request's thread waits with a
 * deadline. A blocked socket read cannot be given a timeout here (Helidon's connection ignores
 * {@code SO_TIMEOUT} once a request is routed), and interrupting it would close the socket before
 * the 408 could be written; so the request's thread keeps the response, and gives up on the read
 * when the client has been silent for {@code server.read_timeout} or the body is past {@code
 * server.body_read_timeout}. The connection is then closed, which ends the blocked read too.
 */
final class BodyReader implements Runnable {
  /** How a read ended. */
  enum End {
    /** The body arrived whole ({@link #bytes()}). */
    DONE,
    /** It was longer than the limit. */
    TOO_LARGE,
    /** The stream failed: the client closed its connection, or the body does not decode. */
    FAILED
  }

  private final InputStream in;
  private final long limit;
  private final boolean keep;
  private final ByteArrayOutputStream out;

  /** The body, read straight into its place when its length was declared (no growing copies). */
  private final byte[] exact;

  private final Object lock = new Object();
  private volatile long lastProgress = System.nanoTime();
  private volatile long total;
  private End end;
  private Exception failure;
  private Late late;

  /**
   * @param keep false to discard what is read (draining a body that will not be used)
   * @param expected the declared length, to size the buffer, or -1
   */
  BodyReader(InputStream in, long limit, boolean keep, long expected) {
    this.in = in;
    this.limit = limit;
    this.keep = keep;
    boolean declared = keep && expected >= 0 && expected <= limit;
    this.exact = declared ? new byte[(int) expected] : null;
    this.out = keep && !declared ? new ByteArrayOutputStream(8192) : null;
  }

  @Override
  public void run() {
    End result = End.DONE;
    Exception error = null;
    try (in) {
      if (exact != null) {
        result = readExact();
        if (result != null) {
          synchronized (lock) {
            end = result;
            lock.notifyAll();
          }
          return;
        }
        result = End.TOO_LARGE; // more than the declared length: the read below would not fit
      }
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        lastProgress = System.nanoTime();
        long now = total + n;
        if (now > limit) {
          result = End.TOO_LARGE;
          break;
        }
        if (keep) {
          out.write(buffer, 0, n);
        }
        total = now;
      }
    } catch (Exception e) {
      result = End.FAILED;
      error = e;
    }
    synchronized (lock) {
      end = result;
      failure = error;
      lock.notifyAll();
    }
  }

  /**
   * Reads the declared length into {@link #exact}; DONE when the body was exactly that long, null
   * when it went on past it (the server's HTTP layer does not let that happen: the entity stream
   * ends at the declared length).
   */
  private End readExact() throws java.io.IOException {
    int at = 0;
    while (at < exact.length) {
      int n = in.read(exact, at, exact.length - at);
      if (n < 0) {
        // Not an EOFException: that one means a compressed body that does not decode.
        throw new java.io.IOException(
            "body ended after " + at + " of its " + exact.length + " declared bytes");
      }
      at += n;
      total = at;
      lastProgress = System.nanoTime();
    }
    return in.read() < 0 ? End.DONE : null;
  }

  /** Why waiting ended without the body: the client went silent, or the whole body is late. */
  enum Late {
    SILENT,
    OVERDUE
  }

  /**
   * Waits for the read to end, or for {@code silenceNanos} without a byte, or until {@code
   * deadlineNanos}; returns how it ended, or null with {@link #late()} set.
   */
  End await(long silenceNanos, long deadlineNanos) throws InterruptedException {
    synchronized (lock) {
      while (end == null) {
        long now = System.nanoTime();
        long silentUntil = lastProgress + silenceNanos;
        if (now - deadlineNanos >= 0) {
          late = Late.OVERDUE;
          return null;
        }
        if (now - silentUntil >= 0) {
          late = Late.SILENT;
          return null;
        }
        long waitNanos = Math.min(silentUntil - now, deadlineNanos - now);
        lock.wait(Math.max(1, waitNanos / 1_000_000), 0);
      }
      return end;
    }
  }

  Late late() {
    return late;
  }

  /** Bytes of the body received so far. */
  long total() {
    return total;
  }

  byte[] bytes() {
    return exact != null ? exact : out.toByteArray();
  }

  Exception failure() {
    return failure;
  }
}
