package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of bad input gets its 4xx, a JSON body that names the problem and carries the request
 * id, and leaves the server healthy and serving.
 */
class BadInputIT {
  private static TestServer server;
  private static byte[] photo;

  @BeforeAll
  static void start() throws IOException {
    server =
        TestServer.start(
            TestModels.bundledRepository(), Map.of("limits.max_request_bytes", "1MiB"));
    photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Arguments> badRequests() throws IOException {
    byte[] jpeg = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
    String boundary = "b";
    return Stream.of(
        Arguments.of(
            "empty body",
            post("/predict", "multipart/form-data; boundary=b", new byte[0]),
            400,
            "invalid_input",
            "empty"),
        Arguments.of(
            "not an image",
            multipart("/predict", "hello, I am text".getBytes()),
            400,
            "invalid_input",
            "not an image"),
        Arguments.of(
            "truncated JPEG", multipart("/predict", truncated), 400, "invalid_input", "truncated"),
        Arguments.of(
            "body over the cap",
            multipart("/predict", new byte[2 * 1024 * 1024]),
            413,
            "payload_too_large",
            "max_request_bytes"),
        Arguments.of(
            "wrong content type",
            post("/predict", "text/plain", jpeg),
            415,
            "unsupported_media_type",
            "text/plain"),
        Arguments.of(
            "no content type",
            post("/predict", null, jpeg),
            415,
            "unsupported_media_type",
            "(none)"),
        Arguments.of(
            "malformed JSON",
            post("/predict/image-triage", "application/json", "{\"image\": ".getBytes()),
            400,
            "invalid_input",
            "not valid JSON"),
        Arguments.of(
            "JSON without image",
            post("/predict/image-triage", "application/json", "{\"top_k\": 2}".getBytes()),
            400,
            "invalid_input",
            "'image' is missing"),
        Arguments.of(
            "JSON array",
            post("/predict/image-triage", "application/json", "[1,2]".getBytes()),
            400,
            "invalid_input",
            "expected: an object"),
        Arguments.of(
            "invalid base64",
            post(
                "/predict/image-triage",
                "application/json",
                "{\"image\": \"%%%not-base64\"}".getBytes()),
            400,
            "invalid_input",
            "not valid base64"),
        Arguments.of(
            "bad top_k",
            post(
                "/predict/image-triage",
                "application/json",
                "{\"image\": \"aGk=\", \"top_k\": \"many\"}".getBytes()),
            400,
            "invalid_input",
            "top_k"),
        Arguments.of(
            "multipart without file",
            post(
                "/predict",
                "multipart/form-data; boundary=" + boundary,
                TestServer.multipart(boundary, "photo", jpeg)),
            400,
            "invalid_input",
            "no field 'file'"),
        Arguments.of(
            "malformed multipart",
            post("/predict", "multipart/form-data; boundary=zzz", "garbage".getBytes()),
            400,
            "invalid_input",
            "multipart"),
        Arguments.of(
            "unknown model",
            multipart("/predict/no-such-model", jpeg),
            404,
            "unknown_model",
            "no-such-model"),
        Arguments.of(
            "model name with ../",
            multipart("/predict/..%2F..%2Fetc", jpeg),
            404,
            "not_found",
            "no endpoint"),
        Arguments.of(
            "model name with ..",
            multipart("/predict/a..b", jpeg),
            400,
            "invalid_input",
            "not valid"),
        Arguments.of(
            "unknown path",
            HttpRequest.newBuilder(server.uri("/no/such/path")).GET(),
            404,
            "not_found",
            "/no/such/path"),
        Arguments.of(
            "wrong method",
            HttpRequest.newBuilder(server.uri("/predict")).GET(),
            405,
            "method_not_allowed",
            "POST"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void refusedWithStatusJsonErrorAndRequestId(
      String name, HttpRequest.Builder request, int status, String errorType, String mentions) {
    HttpResponse<String> response = server.send(request);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = TestServer.json(response);
    assertThat(body.path("error_type").asText()).isEqualTo(errorType);
    assertThat(body.path("error").asText()).contains(mentions);
    String id = response.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(body.path("request_id").asText()).isEqualTo(id).isNotBlank();
  }

  @AfterEach
  void serverStaysHealthyAndServing() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    HttpResponse<String> ok = server.postMultipart("/predict", photo);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }

  private static HttpRequest.Builder multipart(String path, byte[] content) {
    return post(
        path,
        "multipart/form-data; boundary=argus-test-boundary",
        TestServer.multipart("argus-test-boundary", "file", content));
  }

  private static HttpRequest.Builder post(String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return b;
  }
}
