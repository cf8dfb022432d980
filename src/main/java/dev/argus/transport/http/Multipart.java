package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the parts of a {@code multipart/form-data} body (RFC 7578, RFC 2046 section 5.1) that is
 * already in memory. The body is scanned once for its delimiter with a Boyer-Moore-Horspool search,
 * which skips about the delimiter's length per step through a part's content, so a 250 KB photo
 * takes microseconds; a streaming parser (commons-fileupload, used before) spent about 0.5 ms on
 * it, byte by byte, and threw an exception per part for its missing {@code Content-Length}.
 */
final class Multipart {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DASH = '-';

  /** RFC 2046: a boundary is 1 to 70 characters. */
  private static final int MAX_BOUNDARY = 70;

  private Multipart() {}

  /** Part name to content, for every part; a repeated name keeps the first part. */
  static Map<String, byte[]> parts(String contentType, byte[] body) {
    String boundary = boundary(contentType);
    // "\r\n--boundary": what ends a part's content and starts the next delimiter line.
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int[] skip = skipTable(delimiter);
    // The first delimiter may open the body (no CRLF before it) or follow a preamble.
    int at;
    if (startsWith(body, delimiter, 2)) {
      at = delimiter.length - 2;
    } else {
      int first = find(body, 0, delimiter, skip);
      if (first < 0) {
        throw malformed("no boundary '" + boundary + "' in the body");
      }
      at = first + delimiter.length;
    }
    Map<String, byte[]> parts = new HashMap<>();
    while (true) {
      // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF.
      if (at + 1 < body.length && body[at] == DASH && body[at + 1] == DASH) {
        return parts;
      }
      while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
        at++;
      }
      if (at + 1 >= body.length || body[at] != CR || body[at + 1] != LF) {
        throw malformed("the body ends without its closing boundary '--" + boundary + "--'");
      }
      at += 2;
      String name = null;
      int contentStart;
      if (at + 1 < body.length && body[at] == CR && body[at + 1] == LF) {
        contentStart = at + 2; // a part without headers
      } else {
        int headersEnd = headersEnd(body, at);
        if (headersEnd < 0) {
          throw malformed("a part's headers do not end with an empty line");
        }
        name = fieldName(new String(body, at, headersEnd - at, StandardCharsets.UTF_8));
        contentStart = headersEnd + 4;
      }
      int contentEnd = find(body, contentStart, delimiter, skip);
      if (contentEnd < 0) {
        throw malformed("the body ends without its closing boundary '--" + boundary + "--'");
      }
      if (name != null) {
        parts.putIfAbsent(name, Arrays.copyOfRange(body, contentStart, contentEnd));
      }
      at = contentEnd + delimiter.length;
    }
  }

  /** The {@code boundary} parameter of the media type, unquoted. */
  private static String boundary(String contentType) {
    for (String parameter : contentType.split(";")) {
      int eq = parameter.indexOf('=');
      if (eq < 0 || !parameter.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
        continue;
      }
      String value = unquoted(parameter.substring(eq + 1));
      if (value.isEmpty() || value.length() > MAX_BOUNDARY) {
        throw malformed("the boundary must be 1 to 70 characters (is " + value.length() + ")");
      }
      return value;
    }
    throw malformed("Content-Type has no boundary parameter");
  }

  /**
   * The {@code name} of a part's {@code Content-Disposition: form-data}, or null if it has none.
   */
  private static String fieldName(String headers) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        continue;
      }
      String[] pieces = line.substring(colon + 1).split(";");
      if (!pieces[0].trim().equalsIgnoreCase("form-data")) {
        return null;
      }
      for (int i = 1; i < pieces.length; i++) {
        String piece = pieces[i].trim();
        int eq = piece.indexOf('=');
        if (eq > 0 && piece.substring(0, eq).trim().equalsIgnoreCase("name")) {
          return unquoted(piece.substring(eq + 1));
        }
      }
      return null;
    }
    return null;
  }

  /** A parameter's value, trimmed, without the double quotes around it if it has them. */
  private static String unquoted(String value) {
    String v = value.trim();
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }

  /** Where the empty line after a part's headers starts ({@code \r\n\r\n}), or -1. */
  private static int headersEnd(byte[] body, int from) {
    for (int i = from; i + 3 < body.length; i++) {
      if (body[i] == CR && body[i + 1] == LF && body[i + 2] == CR && body[i + 3] == LF) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the body opens with {@code delimiter} less its first {@code from} bytes. */
  private static boolean startsWith(byte[] body, byte[] delimiter, int from) {
    int n = delimiter.length - from;
    return body.length >= n && Arrays.equals(body, 0, n, delimiter, from, delimiter.length);
  }

  /** Horspool's table: how far the window may move when its last byte is {@code b}. */
  private static int[] skipTable(byte[] pattern) {
    int[] skip = new int[256];
    Arrays.fill(skip, pattern.length);
    for (int i = 0; i < pattern.length - 1; i++) {
      skip[pattern[i] & 0xff] = pattern.length - 1 - i;
    }
    return skip;
  }

  /** The first index at or after {@code from} where {@code pattern} occurs, or -1. */
  private static int find(byte[] body, int from, byte[] pattern, int[] skip) {
    int last = pattern.length - 1;
    int at = from;
    while (at + last < body.length) {
      byte end = body[at + last];
      if (end == pattern[last] && Arrays.equals(body, at, at + last, pattern, 0, last)) {
        return at;
      }
      at += skip[end & 0xff];
    }
    return -1;
  }

  private static ArgusException.InvalidInput malformed(String why) {
    return new ArgusException.InvalidInput("multipart body is malformed: " + why);
  }
}
