package dev.argus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigLoader;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.server.ArgusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real Argus on 127.0.0.1 and a free port, with a real HTTP client pointed at it. */
public final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ArgusServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(ArgusServer server) {
    this.server = server;
  }

  /** Starts a server on {@code repository} and waits for its models to finish loading. */
  public static TestServer start(Path repository, Map<String, String> settings) {
    return start(repository, settings, new OnnxModelRuntime(), true);
  }

  public static TestServer start(
      Path repository, Map<String, String> settings, ModelRuntime runtime, boolean awaitModels) {
    return start(repository, null, settings, runtime, awaitModels);
  }

  /** Starts a server with {@code configFile} as its argus.yaml (for list keys such as SLOs). */
  public static TestServer start(
      Path repository, Path configFile, Map<String, String> settings, boolean awaitModels) {
    return start(repository, configFile, settings, new OnnxModelRuntime(), awaitModels);
  }

  private static TestServer start(
      Path repository,
      Path configFile,
      Map<String, String> settings,
      ModelRuntime runtime,
      boolean awaitModels) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("server.host", "127.0.0.1");
    flags.put("server.port", "0");
    flags.put("grpc.port", String.valueOf(dev.argus.config.GrpcConfig.ANY_PORT));
    flags.put("models.repository", repository.toString());
    flags.put("server.shutdown_grace", "5s");
    flags.putAll(settings);
    ArgusConfig config = ConfigLoader.load(configFile, Map.of(), flags).config();
    TestServer s = new TestServer(ArgusServer.start(config, runtime));
    if (awaitModels && !s.server.awaitModelsLoaded(60, TimeUnit.SECONDS)) {
      s.close();
      throw new IllegalStateException("models did not load within 60 s");
    }
    return s;
  }

  public ArgusServer server() {
    return server;
  }

  /** The gRPC port (the test's settings may turn gRPC off with {@code grpc.port: 0}). */
  public int grpcPort() {
    return server.grpcPort().orElseThrow(() -> new IllegalStateException("gRPC is off"));
  }

  /** A plaintext channel to the gRPC port; close it with {@code shutdownNow()}. */
  public io.grpc.ManagedChannel grpcChannel() {
    return io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext().build();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request and keeps the answer's bytes (binary protocol responses). */
  public HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST path} with a multipart body whose field {@code file} holds {@code content}. */
  public HttpResponse<String> postMultipart(String path, byte[] content) {
    String boundary = "argus-test-boundary";
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, "file", content))));
  }

  /** {@code POST path} with JSON {@code {"image": base64(content)}}. */
  public HttpResponse<String> postBase64(String path, byte[] content) {
    return postJson(path, "{\"image\": \"" + Base64.getEncoder().encodeToString(content) + "\"}");
  }

  public HttpResponse<String> postJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public static byte[] multipart(String boundary, String field, byte[] content) {
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + field
                + "\"; filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(content, 0, all, head.length, content.length);
    System.arraycopy(tail, 0, all, head.length + content.length, tail.length);
    return all;
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
