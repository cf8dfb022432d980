package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.model.Model;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness tells the truth while models load and after one fails; liveness stays up. */
class ReadinessIT {
  @TempDir Path repo;

  @Test
  void notReadyWithAReasonWhileAModelIsLoading() throws Exception {
    TestModels.addImageTriage(repo);
    CountDownLatch release = new CountDownLatch(1);
    ModelRuntime gated = new GatedRuntime(new OnnxModelRuntime(), release);
    try (TestServer server = TestServer.start(repo, Map.of(), gated, false)) {
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(ready).path("reasons").toString())
          .contains("image-triage", "loading");
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(server.get("/startupz").statusCode()).isEqualTo(503);
      HttpResponse<String> predict = server.postMultipart("/predict/image-triage", photo());
      assertThat(predict.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(predict).path("error_type").asText()).isEqualTo("model_not_ready");

      release.countDown();

      await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/readyz").statusCode() == 200);
      assertThat(server.get("/startupz").statusCode()).isEqualTo(200);
      assertThat(server.postMultipart("/predict/image-triage", photo()).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void corruptModelFileLeavesServerLiveNotReadyAndOtherModelsServing() throws Exception {
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("broken"));
    Files.write(repo.resolve("broken/1/model.onnx"), "this is not an ONNX graph".getBytes());

    try (TestServer server =
        TestServer.start(repo, Map.of("models.default_model", "image-triage"))) {
      // ready_requires: any (the default): the pod stays in rotation and says what is broken.
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonNode body = TestServer.json(ready);
      assertThat(body.path("status").asText()).isEqualTo("READY");
      assertThat(body.path("reasons").toString())
          .contains("model broken", "failed", "could not load");
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      // Startup means every model was tried: a broken file must not restart-loop the pod.
      HttpResponse<String> startup = server.get("/startupz");
      assertThat(startup.statusCode()).isEqualTo(200);
      assertThat(startup.body()).contains("tried, failed");
      assertThat(server.postMultipart("/predict/image-triage", photo()).statusCode())
          .isEqualTo(200);
      HttpResponse<String> broken = server.postMultipart("/predict/broken", photo());
      assertThat(broken.statusCode()).isEqualTo(503);
      assertThat(broken.headers().firstValue("Retry-After")).isPresent();
      assertThat(TestServer.json(broken).path("error").asText()).contains("not ready");
      assertThat(server.get("/metrics").body())
          .contains("model_state{model=\"broken\",state=\"failed\"} 1.0")
          .contains("model_load_failures_total{model=\"broken\",reason=\"runtime\"} 1.0");
    }
  }

  @Test
  void readyRequiresAllTakesThePodOutWhileAnyModelIsBroken() throws Exception {
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("broken"));
    Files.write(repo.resolve("broken/1/model.onnx"), "this is not an ONNX graph".getBytes());

    try (TestServer server =
        TestServer.start(
            repo, Map.of("models.default_model", "image-triage", "models.ready_requires", "all"))) {
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(ready).path("reasons").toString())
          .contains("model broken", "ready_requires: all");
      assertThat(server.get("/startupz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void malformedModelYamlIsReportedAsAFailedModel() throws Exception {
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("misconfigured"));
    TestModels.write(
        repo.resolve("misconfigured/model.yaml"), "kind: image_classifier\ntop_k: -1\n");

    try (TestServer server =
        TestServer.start(repo, Map.of("models.default_model", "image-triage"))) {
      HttpResponse<String> ready = server.get("/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(ready).path("reasons").toString()).contains("top_k");
      // No version was found, yet the model has a model_loaded series for the alert to see.
      assertThat(server.get("/metrics").body())
          .contains("model_loaded{model=\"misconfigured\",version=\"\"} 0.0")
          .contains("model_load_failures_total{model=\"misconfigured\",reason=\"config\"} 1.0");
    }
  }

  @Test
  void emptyRepositoryIsNotReady() {
    try (TestServer server = TestServer.start(repo, Map.of())) {
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(ready).path("reasons").toString()).contains("no models");
    }
  }

  private static byte[] photo() throws IOException {
    return Files.readAllBytes(TestModels.labelledPhotos().get(0));
  }

  /** Loads real models, but only once the test lets it. */
  private record GatedRuntime(ModelRuntime delegate, CountDownLatch release)
      implements ModelRuntime {
    @Override
    public Model load(Path file, RuntimeOptions options) {
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released the load");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return delegate.load(file, options);
    }

    @Override
    public String version() {
      return delegate.version();
    }
  }
}
