package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import dev.argus.transport.edge.EdgeException;
import io.helidon.webserver.http.ServerRequest;
import java.util.OptionalLong;

/**
 * Reads request bodies with a size cap and a deadline, refusing early when the declared length is
 * too large, and tells a client that stalled (408) from one that went away ({@code client_closed}).
 * Also drains, within bounds, a body that will not be read, so the client gets the error it is owed
 * instead of a reset connection. Every wait is bounded ({@link BodyReader}).
 */
public final class Bodies {
  private Bodies() {}

  /**
   * The whole body.
   *
   * @throws EdgeException.PayloadTooLarge when it is longer than {@code limit} bytes
   * @throws EdgeException.RequestTimeout when the client is silent for {@code server.read_timeout}
   *     or the body is not all there within {@code server.body_read_timeout}
   * @throws EdgeException.ClientClosed when the client closed its connection while sending it
   */
  public static byte[] read(ServerRequest req, long limit) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > limit) {
      throw new EdgeException.PayloadTooLarge(limit);
    }
    if (!req.content().hasEntity()) {
      HttpEdge.record(req).bytesIn(0);
      return new byte[0];
    }
    HttpLimits limits = HttpLimits.of(req);
    // The declared length sizes the buffer, unless the body is decoded (gzip) as it is read.
    boolean encoded =
        req.headers()
            .first(io.helidon.http.HeaderNames.CONTENT_ENCODING)
            .filter(e -> !e.isBlank() && !e.trim().equalsIgnoreCase("identity"))
            .isPresent();
    BodyReader reader =
        new BodyReader(
            req.content().inputStream(), limit, true, encoded ? -1 : declared.orElse(-1));
    start(reader, !encoded && declared.isPresent() && ConnectionInput.holds(declared.getAsLong()));
    BodyReader.End end;
    try {
      end =
          reader.await(
              limits.readTimeoutNanos(),
              HttpEdge.record(req).startNanos() + limits.bodyTimeoutNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgeException.ClientClosed("interrupted while the body was read");
    } finally {
      // bytes_in says what arrived, whatever happened.
      HttpEdge.record(req).bytesIn(reader.total());
    }
    if (end == null) {
      throw reader.late() == BodyReader.Late.SILENT
          ? new EdgeException.RequestTimeout(
              "the client sent nothing for server.read_timeout after "
                  + reader.total()
                  + " bytes of its body; the connection is closed")
          : new EdgeException.RequestTimeout(
              "request body not received within server.body_read_timeout ("
                  + reader.total()
                  + " bytes read); the connection is closed");
    }
    return switch (end) {
      case DONE -> {
        byte[] body = reader.bytes();
        HttpEdge.record(req).requestBody(body);
        yield body;
      }
      case TOO_LARGE -> throw new EdgeException.PayloadTooLarge(limit);
      case FAILED -> throw failed(reader);
    };
  }

  /**
   * Runs {@code reader} here when the whole body has arrived already ({@code arrived}: reading it
   * cannot block), else on a virtual thread of its own, which {@link BodyReader#await} waits for
   * with its bounds.
   */
  private static void start(BodyReader reader, boolean arrived) {
    if (arrived) {
      reader.run();
    } else {
      Thread.ofVirtual().name("argus-body").start(reader);
    }
  }

  private static RuntimeException failed(BodyReader reader) {
    Exception e = reader.failure();
    if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) {
      // A compressed body (RequestDecoding) that does not decode: the client's mistake.
      return new ArgusException.InvalidInput(
          "request body does not match its Content-Encoding: " + e.getMessage(), e);
    }
    return new EdgeException.ClientClosed(
        "the client closed its connection after " + reader.total() + " bytes of its body");
  }

  /**
   * Reads and discards what is left of a body that will not be used (the request is refused), at
   * most {@code maxBytes} and for at most {@code maxNanos}, so a client that sends its whole body
   * before reading the answer (Python's urllib and requests do) gets the answer rather than a
   * reset. True when the body was read to its end.
   */
  static boolean drain(ServerRequest req, long maxBytes, long maxNanos) {
    if (!req.content().hasEntity() || req.content().consumed()) {
      return true;
    }
    OptionalLong declared = req.headers().contentLength();
    if (maxBytes <= 0 || declared.isPresent() && declared.getAsLong() > maxBytes) {
      return false; // more than we will read for nothing: close at once
    }
    BodyReader reader;
    try {
      reader = new BodyReader(req.content().inputStream(), maxBytes, false, -1);
    } catch (IllegalStateException e) {
      return false; // partly read already: the rest is not worth guessing at
    }
    start(reader, declared.isPresent() && ConnectionInput.holds(declared.getAsLong()));
    try {
      HttpLimits limits = HttpLimits.of(req);
      return reader.await(limits.readTimeoutNanos(), System.nanoTime() + maxNanos)
          == BodyReader.End.DONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
