package dev.argus.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.service.ArgusException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;
import org.junit.jupiter.api.Test;

class MultipartTest {
  private static final String BOUNDARY = "----argus-test-7d3f";
  private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  @Test
  void aFileAndAFieldAreRead() {
    byte[] file = {(byte) 0xff, (byte) 0xd8, '\r', '\n', '-', '-', 0, 1, 2};
    byte[] body =
        body(
            part("file", "photo.jpg", file),
            part("top_k", null, "3".getBytes(StandardCharsets.UTF_8)));
    Map<String, byte[]> parts = Multipart.parts(TYPE, body);
    assertThat(parts).containsOnlyKeys("file", "top_k");
    assertThat(parts.get("file")).isEqualTo(file);
    assertThat(new String(parts.get("top_k"), StandardCharsets.UTF_8)).isEqualTo("3");
  }

  @Test
  void everyBundledPhotoComesBackByteForByteAsTheReferenceParserReadsIt() throws IOException {
    try (var photos = Files.list(Path.of("models/image-triage/test-images"))) {
      for (Path photo : photos.toList()) {
        byte[] image = Files.readAllBytes(photo);
        byte[] body = body(part("file", photo.getFileName().toString(), image));
        assertThat(Multipart.parts(TYPE, body).get("file")).isEqualTo(image);
        assertThat(reference(TYPE, body).get("file")).isEqualTo(image);
      }
    }
  }

  @Test
  void randomBodiesAgreeWithTheReferenceParser() throws IOException {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(3);
      byte[][] parts = new byte[n][];
      for (int i = 0; i < n; i++) {
        byte[] content = new byte[random.nextInt(5000)];
        random.nextBytes(content);
        // Near-misses of the delimiter inside the content: CRLF, dashes, the boundary's prefix.
        for (int k = 0; k + 12 < content.length && k < 40; k += 1 + random.nextInt(300)) {
          byte[] trap =
              ("\r\n--" + BOUNDARY.substring(0, random.nextInt(BOUNDARY.length())))
                  .getBytes(StandardCharsets.ISO_8859_1);
          System.arraycopy(trap, 0, content, k, Math.min(trap.length, content.length - k));
        }
        parts[i] = part(i == 0 ? "file" : "field" + i, i == 0 ? "a.bin" : null, content);
      }
      byte[] body = body(parts);
      Map<String, byte[]> ours = Multipart.parts(TYPE, body);
      Map<String, byte[]> theirs = reference(TYPE, body);
      assertThat(ours.keySet()).isEqualTo(theirs.keySet());
      for (String name : theirs.keySet()) {
        assertThat(ours.get(name)).as("part %s, round %d", name, round).isEqualTo(theirs.get(name));
      }
    }
  }

  @Test
  void aQuotedBoundaryAPreambleAndAnEpilogueAreAccepted() {
    byte[] body =
        concat(
            "This is the preamble.\r\n".getBytes(StandardCharsets.US_ASCII),
            body(part("file", "x", "abc".getBytes(StandardCharsets.US_ASCII))),
            "epilogue".getBytes(StandardCharsets.US_ASCII));
    Map<String, byte[]> parts =
        Multipart.parts("multipart/form-data; charset=utf-8; BOUNDARY=\"" + BOUNDARY + "\"", body);
    assertThat(parts.get("file")).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aRepeatedNameKeepsTheFirstPartAndANamelessPartIsSkipped() {
    byte[] nameless =
        ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nignored\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] body =
        concat(
            nameless,
            body(
                part("file", "a", "first".getBytes(StandardCharsets.US_ASCII)),
                part("file", "b", "second".getBytes(StandardCharsets.US_ASCII))));
    Map<String, byte[]> parts = Multipart.parts(TYPE, body);
    assertThat(parts).containsOnlyKeys("file");
    assertThat(parts.get("file")).isEqualTo("first".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void anEmptyFileIsAnEmptyPart() {
    assertThat(Multipart.parts(TYPE, body(part("file", "empty", new byte[0]))).get("file"))
        .isEmpty();
  }

  @Test
  void malformedBodiesAreInvalidInputThatSaysWhy() {
    byte[] good = body(part("file", "x", "abc".getBytes(StandardCharsets.US_ASCII)));
    assertMalformed("multipart/form-data", good, "no boundary parameter");
    assertMalformed("multipart/form-data; boundary=\"\"", good, "1 to 70 characters");
    assertMalformed("multipart/form-data; boundary=" + "b".repeat(71), good, "1 to 70");
    assertMalformed("multipart/form-data; boundary=other", good, "no boundary 'other'");
    byte[] unclosed = java.util.Arrays.copyOf(good, good.length - BOUNDARY.length() - 6);
    assertMalformed(TYPE, unclosed, "without its closing boundary");
    byte[] noHeaderEnd =
        ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertMalformed(TYPE, noHeaderEnd, "headers do not end");
    byte[] noCrlf = ("--" + BOUNDARY + "garbage").getBytes(StandardCharsets.US_ASCII);
    assertMalformed(TYPE, noCrlf, "without its closing boundary");
    assertMalformed(TYPE, new byte[0], "no boundary");
  }

  private static void assertMalformed(String contentType, byte[] body, String why) {
    assertThatThrownBy(() -> Multipart.parts(contentType, body))
        .isInstanceOf(ArgusException.InvalidInput.class)
        .hasMessageStartingWith("multipart body is malformed: ")
        .hasMessageContaining(why);
  }

  private static byte[] part(String name, String filename, byte[] content) {
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\""
            + (filename == null ? "" : "; filename=\"" + filename + "\"")
            + "\r\nContent-Type: application/octet-stream\r\n\r\n";
    return concat(
        head.getBytes(StandardCharsets.UTF_8), content, "\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] body(byte[]... parts) {
    byte[] end = ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[][] all = java.util.Arrays.copyOf(parts, parts.length + 1);
    all[parts.length] = end;
    return concat(all);
  }

  private static byte[] concat(byte[]... pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] piece : pieces) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }

  /** What commons-fileupload, the streaming parser Argus used before, reads from the body. */
  private static Map<String, byte[]> reference(String contentType, byte[] body) throws IOException {
    Map<String, byte[]> parts = new HashMap<>();
    FileItemInputIterator items = new Upload().getItemIterator(new InMemory(contentType, body));
    while (items.hasNext()) {
      FileItemInput item = items.next();
      try (InputStream in = item.getInputStream()) {
        byte[] content = in.readAllBytes();
        if (item.getFieldName() != null) {
          parts.putIfAbsent(item.getFieldName(), content);
        }
      }
    }
    return parts;
  }

  private static final class Upload
      extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DiskFileItem> parseRequest(RequestContext request) {
      throw new UnsupportedOperationException();
    }
  }

  private record InMemory(String contentType, byte[] body) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return "UTF-8";
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }
}
