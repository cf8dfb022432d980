package dev.argus.transport.edge;

import dev.argus.service.ArgusException;
import java.time.Duration;
import java.util.Optional;

/** A request's timeout: the server's {@code server.request_timeout}, lowered by the client. */
public final class Timeouts {
  /** The HTTP header (and gRPC-less clients' way) to ask for a shorter timeout. */
  public static final String HEADER = "X-Request-Timeout-Ms";

  private Timeouts() {}

  /**
   * {@code max}, or the client's {@code millis} when lower (never raised).
   *
   * @throws ArgusException.InvalidInput when {@code millis} is not a positive number
   */
  public static Duration requested(Optional<String> millis, Duration max) {
    if (millis.isEmpty()) {
      return max;
    }
    long asked;
    try {
      asked = Long.parseLong(millis.get().trim());
    } catch (NumberFormatException e) {
      asked = -1;
    }
    if (asked <= 0) {
      throw new ArgusException.InvalidInput(
          HEADER + ": '" + millis.get() + "' (expected: a positive number of milliseconds)");
    }
    Duration d = Duration.ofMillis(asked);
    return d.compareTo(max) < 0 ? d : max;
  }
}
