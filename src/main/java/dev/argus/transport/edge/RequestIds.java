package dev.argus.transport.edge;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Request identity at the edge: a client's {@code X-Request-ID} is kept when it is 1-128 characters
 * of {@code [A-Za-z0-9._:-]}; anything else (a newline, a huge value) is replaced, so it is never
 * echoed into headers or logs.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-ID";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The client's id if it is acceptable. */
  public static Optional<String> accept(Optional<String> header) {
    return header.filter(h -> SANE.matcher(h).matches());
  }

  /**
   * A new 32-hex-digit id, the same form as a W3C trace id. Random but not secret (an id names a
   * request, it grants nothing), so it comes from {@link ThreadLocalRandom}, as OpenTelemetry's
   * trace ids do: {@code SecureRandom} took a lock and read {@code /dev/urandom} on every request,
   * refusals included.
   */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
  }
}
