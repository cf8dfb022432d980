package dev.argus;

import dev.argus.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Requests as Open Inference Protocol clients send them. */
final class OipItSupport {
  private OipItSupport() {}

  /** A JSON request without a Content-Type, as Triton's Python and Java clients send it. */
  static HttpResponse<String> post(TestServer server, String path, String json) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A binary-extension request: the JSON header, then the tensors' bytes. */
  static HttpResponse<byte[]> postBinary(
      TestServer server, String path, String header, byte[]... tensors) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    body.writeBytes(json);
    for (byte[] t : tensors) {
      body.writeBytes(t);
    }
    return server.sendBytes(
        HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "application/octet-stream")
            .header("Inference-Header-Content-Length", String.valueOf(json.length))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }
}
