package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository extension: hot load and unload without restart, behind the admin token. */
class OipRepositoryIT {
  private static final String TOKEN = "repository-admin-token-42";

  private static HttpResponse<String> admin(TestServer server, String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return server.send(b);
  }

  private static String modelLoaded(TestServer server, String model) {
    return server
        .get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("model_loaded{model=\"" + model + "\""))
        .findFirst()
        .orElse("absent");
  }

  @Test
  void aModelAddedToTheFolderIsLoadedByTheApiServesAndUnloads(@TempDir Path repo) throws Exception {
    TestModels.addImageTriage(repo);
    try (TestServer server =
        TestServer.start(
            repo, Map.of("admin.token", TOKEN, "models.default_model", "image-triage"))) {
      TestModels.addTextOrientation(repo);
      JsonNode index = TestServer.json(admin(server, "/v2/repository/index", null));
      assertThat(index.toString())
          .contains("{\"name\":\"text-orientation\",\"state\":\"\",\"reason\":\"not loaded\"}")
          .contains("{\"name\":\"image-triage\",\"version\":\"1\",\"state\":\"READY\"}");
      assertThat(server.get("/v2/models/text-orientation/ready").statusCode()).isEqualTo(503);

      assertThat(admin(server, "/v2/repository/models/text-orientation/load", null).statusCode())
          .isEqualTo(401);
      assertThat(
              admin(server, "/v2/repository/models/text-orientation/load", "wrong-token-000000")
                  .statusCode())
          .isEqualTo(403);
      HttpResponse<String> loaded =
          admin(server, "/v2/repository/models/text-orientation/load", TOKEN);
      assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
      assertThat(server.get("/v2/models/text-orientation/ready").statusCode()).isEqualTo(200);
      byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
      assertThat(server.postMultipart("/predict/text-orientation", photo).statusCode())
          .isEqualTo(200);
      assertThat(modelLoaded(server, "text-orientation")).endsWith(" 1.0");
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> unloaded =
          admin(server, "/v2/repository/models/text-orientation/unload", TOKEN);
      assertThat(unloaded.statusCode()).as(unloaded.body()).isEqualTo(200);
      assertThat(server.get("/v2/models/text-orientation/ready").statusCode()).isEqualTo(503);
      HttpResponse<String> gone = server.postMultipart("/predict/text-orientation", photo);
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(gone).path("error").asText()).contains("unloaded");
      HttpResponse<String> goneOip =
          OipItSupport.post(
              server,
              "/v2/models/text-orientation/infer",
              "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}");
      assertThat(goneOip.statusCode()).isEqualTo(404);
      assertThat(modelLoaded(server, "text-orientation")).endsWith(" 0.0");
      // Unloading on purpose does not take the server out of rotation; the other model serves.
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
      assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      assertThat(TestServer.json(admin(server, "/v2/repository/index", null)).toString())
          .contains("\"name\":\"text-orientation\",\"version\":\"1\",\"state\":\"UNAVAILABLE\"");

      // And back again.
      assertThat(admin(server, "/v2/repository/models/text-orientation/load", TOKEN).statusCode())
          .isEqualTo(200);
      assertThat(server.postMultipart("/predict/text-orientation", photo).statusCode())
          .isEqualTo(200);

      assertThat(admin(server, "/v2/repository/models/nothing-here/load", TOKEN).statusCode())
          .isEqualTo(404);
      assertThat(admin(server, "/v2/repository/models/nothing-here/unload", TOKEN).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aReloadThatFailsLeavesTheServingVersionServingAndSaysWhy(@TempDir Path repo)
      throws Exception {
    TestModels.addImageTriage(repo);
    TestModels.addTextOrientation(repo);
    try (TestServer server =
        TestServer.start(
            repo, Map.of("admin.token", TOKEN, "models.default_model", "image-triage"))) {
      byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
      Files.delete(repo.resolve("text-orientation/1/model.onnx"));
      // The session is in memory: the model still serves until it is reloaded.
      assertThat(server.postMultipart("/predict/text-orientation", photo).statusCode())
          .isEqualTo(200);

      HttpResponse<String> reload =
          admin(server, "/v2/repository/models/text-orientation/load", TOKEN);
      assertThat(reload.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(reload).path("error").asText()).contains("model.onnx");

      // The version in memory goes on serving; the failure is reported, not served.
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("text-orientation").contains("reload failed");
      assertThat(server.get("/v2/models/text-orientation/ready").statusCode()).isEqualTo(200);
      assertThat(server.postMultipart("/predict/text-orientation", photo).statusCode())
          .isEqualTo(200);
      assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      assertThat(TestServer.json(admin(server, "/v2/repository/index", null)).toString())
          .contains("reload failed");
      assertThat(server.get("/metrics").body())
          .contains("model_load_failures_total{model=\"text-orientation\",reason=\"files\"} 1.0")
          .contains("model_loaded{model=\"text-orientation\",version=\"1\"} 1.0");
    }
  }

  @Test
  void withoutAnAdminTokenLoadAndUnloadAreOff(@TempDir Path repo) {
    TestModels.addImageTriage(repo);
    try (TestServer server = TestServer.start(repo, Map.of())) {
      HttpResponse<String> r = admin(server, "/v2/repository/models/image-triage/unload", TOKEN);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(r).path("error").asText()).contains("admin.token");
      assertThat(server.get("/v2/models/image-triage/ready").statusCode()).isEqualTo(200);
    }
  }
}
