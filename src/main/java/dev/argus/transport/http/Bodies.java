package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import dev.argus.transport.edge.EdgeException;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** Reads request bodies with a size cap, refusing early when the declared length is too large. */
public final class Bodies {
  private Bodies() {}

  /**
   * The whole body.
   *
   * @throws EdgeException.PayloadTooLarge when it is longer than {@code limit} bytes
   */
  public static byte[] read(ServerRequest req, long limit) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > limit) {
      throw new EdgeException.PayloadTooLarge(limit);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(declared.orElse(8192), limit));
      byte[] buffer = new byte[16 * 1024];
      long total = 0;
      int n;
      long deadline = req.context().get(HttpEdge.BODY_DEADLINE, Long.class).orElse(Long.MAX_VALUE);
      while ((n = in.read(buffer)) >= 0) {
        if (System.nanoTime() - deadline > 0) {
          // A client trickling its body (one byte a second) would hold a prediction slot.
          throw new EdgeException.RequestTimeout(
              "request body not received within server.body_read_timeout ("
                  + total
                  + " bytes read); the connection is closed");
        }
        total += n;
        if (total > limit) {
          throw new EdgeException.PayloadTooLarge(limit);
        }
        out.write(buffer, 0, n);
      }
      HttpEdge.record(req).bytesIn(total);
      return out.toByteArray();
    } catch (java.net.SocketTimeoutException e) {
      throw new EdgeException.RequestTimeout(
          "the client sent nothing for server.read_timeout while its body was read");
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      // A compressed body (RequestDecoding) that does not decode: the client's mistake.
      throw new ArgusException.InvalidInput(
          "request body does not match its Content-Encoding: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body", e);
    }
  }
}
