package dev.argus.transport.edge;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Request identity at the edge: a client's {@code X-Request-ID} is kept when it is 1-128 characters
 * of {@code [A-Za-z0-9._:-]}; anything else (a newline, a huge value) is replaced, so it is never
 * echoed into headers or logs.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-ID";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** The client's id if it is acceptable. */
  public static Optional<String> accept(Optional<String> header) {
    return header.filter(h -> SANE.matcher(h).matches());
  }

  /** A new 32-hex-digit id, the same form as a W3C trace id. */
  public static String generate() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
