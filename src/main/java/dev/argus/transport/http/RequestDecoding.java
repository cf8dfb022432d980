package dev.argus.transport.http;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.ContentEncodingContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Request bodies with {@code Content-Encoding: gzip} or {@code deflate} (inference clients may
 * compress) are decoded as they are read, so {@link Bodies} caps the decoded size and a small bomb
 * cannot expand past {@code limits.max_request_bytes}. Responses are never compressed: one protocol
 * client's error path does not decompress.
 */
final class RequestDecoding {
  private RequestDecoding() {}

  /** Whether a request's {@code Content-Encoding} is one Argus decodes. */
  static boolean decodes(String encoding) {
    return Set.of("gzip", "x-gzip", "deflate", "identity")
        .contains(encoding.trim().toLowerCase(java.util.Locale.ROOT));
  }

  static ContentEncodingContext context() {
    return ContentEncodingContext.builder()
        .contentEncodingsDiscoverServices(false)
        .addContentEncoding(new Decoding("gzip", Set.of("gzip", "x-gzip"), GzipLazy::new))
        .addContentEncoding(new Decoding("deflate", Set.of("deflate"), InflaterInputStream::new))
        .build();
  }

  private record Decoding(String name, Set<String> ids, UnaryOperator<InputStream> wrap)
      implements ContentEncoding {
    @Override
    public boolean supportsEncoding() {
      return false;
    }

    @Override
    public boolean supportsDecoding() {
      return true;
    }

    @Override
    public ContentDecoder decoder() {
      return wrap::apply;
    }

    @Override
    public ContentEncoder encoder() {
      return ContentEncoder.NO_OP;
    }

    @Override
    public String type() {
      return name;
    }
  }

  /** Reads the gzip header on first read, so a bad header fails while the handler reads. */
  private static final class GzipLazy extends FilterInputStream {
    private boolean opened;

    GzipLazy(InputStream raw) {
      super(raw);
    }

    private void open() throws IOException {
      if (!opened) {
        opened = true;
        in = new GZIPInputStream(in);
      }
    }

    @Override
    public int read() throws IOException {
      open();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      open();
      return in.read(b, off, len);
    }
  }
}
