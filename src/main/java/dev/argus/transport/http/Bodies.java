package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** Reads request bodies with a size cap, refusing early when the declared length is too large. */
final class Bodies {
  private Bodies() {}

  /**
   * The whole body.
   *
   * @throws ArgusException.PayloadTooLarge when it is longer than {@code limit} bytes
   */
  static byte[] read(ServerRequest req, long limit) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > limit) {
      throw new ArgusException.PayloadTooLarge(limit);
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
      long deadline =
          req.context().get(EdgeFilter.BODY_DEADLINE, Long.class).orElse(Long.MAX_VALUE);
      while ((n = in.read(buffer)) >= 0) {
        if (System.nanoTime() - deadline > 0) {
          // A client trickling its body (one byte a second) would hold a prediction slot.
          throw new ArgusException.RequestTimeout(
              "request body not received within server.body_read_timeout ("
                  + total
                  + " bytes read); the connection is closed");
        }
        total += n;
        if (total > limit) {
          throw new ArgusException.PayloadTooLarge(limit);
        }
        out.write(buffer, 0, n);
      }
      req.context().register(EdgeFilter.REQUEST_BYTES, total);
      return out.toByteArray();
    } catch (java.net.SocketTimeoutException e) {
      throw new ArgusException.RequestTimeout(
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
