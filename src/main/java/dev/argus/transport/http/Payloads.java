package dev.argus.transport.http;

import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What {@code logging.log_payloads} puts in the canonical line: bodies as text cut at {@code
 * logging.payload_max_bytes}, and images never as bytes, only their size and SHA-256 (enough to
 * find the same image again, useless to leak it).
 */
public final class Payloads {
  private Payloads() {}

  private static Optional<Integer> limit(ServerRequest req) {
    int limit = HttpLimits.of(req).payloadLimit();
    return limit < 0 ? Optional.empty() : Optional.of(limit);
  }

  /** Records a request body that holds no image. */
  public static void requestText(ServerRequest req, byte[] body) {
    requestText(req, body, body.length);
  }

  /** Records the first {@code length} bytes of a request body (a binary body's JSON header). */
  public static void requestText(ServerRequest req, byte[] body, int length) {
    limit(req).ifPresent(max -> HttpEdge.record(req).requestPayload(cut(body, length, max)));
  }

  /** Records an image request: the image as size and hash, plus the other fields. */
  public static void requestImage(ServerRequest req, byte[] image, int topK) {
    if (limit(req).isPresent()) {
      HttpEdge.record(req)
          .requestPayload("{\"image\":" + describeImage(image) + ",\"top_k\":" + topK + "}");
    }
  }

  /** Records the first {@code length} bytes of a response body (a binary body's JSON header). */
  public static void response(ServerRequest req, byte[] body, int length) {
    limit(req).ifPresent(max -> HttpEdge.record(req).responsePayload(cut(body, length, max)));
  }

  /** {@code {"bytes": N, "sha256": "..."}}. */
  static String describeImage(byte[] image) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(image);
      return "{\"bytes\":"
          + image.length
          + ",\"sha256\":\""
          + HexFormat.of().formatHex(digest)
          + "\"}";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The first {@code length} bytes of {@code body} as UTF-8 text, at most {@code max} of them. */
  static String cut(byte[] body, int length, int max) {
    if (length <= max) {
      return new String(body, 0, length, StandardCharsets.UTF_8);
    }
    return new String(body, 0, max, StandardCharsets.UTF_8)
        + "...("
        + (length - max)
        + " more bytes)";
  }
}
