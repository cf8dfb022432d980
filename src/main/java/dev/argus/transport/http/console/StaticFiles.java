package dev.argus.transport.http.console;

import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.http.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Files of a page, served from the jar: only the names given (no path is ever resolved from the
 * request), read and gzipped once on first use, with an {@code ETag} so a browser revalidates
 * cheaply, and headers that keep the browser to this origin ({@code Content-Security-Policy}).
 */
final class StaticFiles {
  /** One file: where it lives on the classpath and what it is. */
  record File(String resource, String contentType) {}

  private record Loaded(byte[] plain, byte[] gzipped, String etag, String contentType) {}

  private final Map<String, File> files;
  private final String policy;
  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

  /**
   * @param files served names to classpath resources
   * @param policy the {@code Content-Security-Policy} of every answer
   */
  StaticFiles(Map<String, File> files, String policy) {
    this.files = Map.copyOf(files);
    this.policy = policy;
    files
        .values()
        .forEach(f -> {
          if (StaticFiles.class.getClassLoader().getResource(f.resource()) == null) {
            throw new IllegalStateException(f.resource() + " is missing from the jar");
          }
        });
  }

  /** Answers the file {@code name}, or 404 for a name that is not one of the files. */
  void send(ServerRequest req, ServerResponse res, String name) {
    File file = files.get(name);
    if (file == null) {
      throw EdgeException.RouteNotFound.off(
          req.prologue().method().text(),
          req.path().path(),
          "no such file (expected: one of "
              + String.join(", ", files.keySet().stream().sorted().toList())
              + ")");
    }
    Loaded f = loaded.computeIfAbsent(name, n -> load(file));
    res.header(HeaderNames.ETAG, f.etag());
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    res.header(HeaderNames.create("Content-Security-Policy"), policy);
    res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    res.header(HeaderNames.VARY, "Accept-Encoding");
    if (req.headers().first(HeaderNames.IF_NONE_MATCH).filter(f.etag()::equals).isPresent()) {
      Responses.send(req, res, 304, f.contentType(), new byte[0], 0);
      return;
    }
    boolean gzip =
        req.headers()
            .first(HeaderNames.ACCEPT_ENCODING)
            .filter(a -> a.contains("gzip"))
            .isPresent();
    if (gzip) {
      res.header(HeaderNames.CONTENT_ENCODING, "gzip");
    }
    Responses.send(req, res, 200, f.contentType(), gzip ? f.gzipped() : f.plain(), 0);
  }

  private static Loaded load(File file) {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(file.resource())) {
      if (in == null) {
        throw new IllegalStateException(file.resource() + " is missing from the jar");
      }
      byte[] plain = in.readAllBytes();
      ByteArrayOutputStream zipped = new ByteArrayOutputStream(plain.length / 3 + 64);
      try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
        gz.write(plain);
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain);
      String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
      return new Loaded(plain, zipped.toByteArray(), etag, file.contentType());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
