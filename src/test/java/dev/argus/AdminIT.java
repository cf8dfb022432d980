package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.config.ConfigException;
import dev.argus.config.ConfigLoader;
import dev.argus.observe.LogSetup;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin endpoints: off without a token, and with one only the right bearer token gets in. */
class AdminIT {
  private static final String TOKEN = "s3cret-admin-token-0123456789";

  private static HttpRequest.Builder setLevel(TestServer server, String body) {
    return HttpRequest.newBuilder(server.uri("/admin/logging"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void withoutATokenAdminEndpointsAreOffNotOpen() {
    try (TestServer server = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      HttpResponse<String> response =
          server.send(
              setLevel(server, "{\"level\":\"DEBUG\"}").header("Authorization", "Bearer " + TOKEN));

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(response).path("error").asText()).contains("admin.token");
      assertThat(TestServer.json(response).path("request_id").asText())
          .isEqualTo(response.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(server.get("/admin/logging").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void onlyTheRightBearerTokenChangesTheLogLevel(@TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("admin-token");
    Files.writeString(tokenFile, TOKEN + "\n");
    String before = LogSetup.level("dev.argus.batching");
    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(), Map.of("admin.token_file", tokenFile.toString()))) {
      String body = "{\"level\":\"debug\",\"logger\":\"dev.argus.batching\"}";
      HttpResponse<String> none = server.send(setLevel(server, body));
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"argus-admin\"");
      assertThat(TestServer.json(none).path("error_type").asText()).isEqualTo("unauthorized");

      HttpResponse<String> wrong =
          server.send(setLevel(server, body).header("Authorization", "Bearer " + TOKEN + "x"));
      assertThat(wrong.statusCode()).isEqualTo(403);
      assertThat(TestServer.json(wrong).path("error_type").asText()).isEqualTo("forbidden");
      assertThat(LogSetup.level("dev.argus.batching")).isEqualTo(before);

      HttpResponse<String> right =
          server.send(setLevel(server, body).header("Authorization", "Bearer " + TOKEN));
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(TestServer.json(right).path("level").asText()).isEqualTo("DEBUG");
      assertThat(TestServer.json(right).path("previous_level").asText()).isEqualTo(before);
      assertThat(LogSetup.level("dev.argus.batching")).isEqualTo("DEBUG");

      HttpResponse<String> read =
          server.send(
              HttpRequest.newBuilder(server.uri("/admin/logging"))
                  .header("Authorization", "bearer " + TOKEN));
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(read).path("level").asText()).isNotEmpty();

      for (String bad :
          new String[] {
            "{\"level\":\"LOUD\"}", "{}", "[1]", "{\"level\":\"INFO\",\"logger\":\"a b\"}"
          }) {
        HttpResponse<String> refused =
            server.send(setLevel(server, bad).header("Authorization", "Bearer " + TOKEN));
        assertThat(refused.statusCode()).as(bad).isEqualTo(400);
        assertThat(TestServer.json(refused).path("error_type").asText()).isEqualTo("invalid_input");
      }
    } finally {
      LogSetup.setLevel("dev.argus.batching", before);
    }
  }

  @Test
  void aShortTokenIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_ADMIN_TOKEN", "short-secret"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("admin.token")
        .hasMessageNotContaining("short-secret");
  }
}
