package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.argus.testing.OtlpReceiver;
import dev.argus.testing.ServerProcess;
import dev.argus.testing.TestModels;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code argus serve} in a working directory with a {@code .env}: its {@code ARGUS_*} settings
 * apply under the real environment, and its {@code OTEL_EXPORTER_OTLP_ENDPOINT} turns tracing on
 * and sends spans to that collector, as a Compose or KServe user expects.
 */
class DotEnvIT {
  @TempDir Path dir;

  @Test
  void dotEnvSettingsApplyUnderTheEnvironmentAndAnOtlpEndpointTurnsTracingOn() throws Exception {
    Path models = dir.resolve("mnt/models");
    Files.createDirectories(models);
    Files.copy(
        TestModels.projectRoot().resolve("bench/models/mlp-1024x10/model.onnx"),
        models.resolve("model.onnx"));
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Files.writeString(
          dir.resolve(".env"),
          """
          # what a developer keeps next to argus.yaml
          ARGUS_MODELS_NAME=tiny
          export ARGUS_METRICS_PREFIX=from_dotenv
          OTEL_EXPORTER_OTLP_ENDPOINT="%s"
          OTEL_BSP_SCHEDULE_DELAY=50
          """
              .formatted(receiver.endpoint()));
      try (ServerProcess server =
          ServerProcess.start(dir, models, List.of(), Map.of("ARGUS_METRICS_PREFIX", "from_env"))) {
        HttpResponse<String> metadata = server.get("/v2/models/tiny");
        assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);

        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("from_env_model_loaded{").doesNotContain("from_dotenv_");

        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(() ->
                assertThat(receiver.spans())
                    .anyMatch(s -> s.name().equals("GET /v2/models/{model}")));
        assertThat(server.log())
            .contains("read 4 variables from .env")
            .contains("tracing on: OTEL_EXPORTER_OTLP_ENDPOINT is set and tracing.enabled is not");
      }
    }
  }
}
