package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.model.Model;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.testing.LogCapture;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder with nothing but {@code model.onnx} (Triton's and KServe's layouts) serves as a
 * tensor model whose metadata comes from the session, and the log says it was auto-configured.
 */
class BareModelIT {
  private static final Path MLP =
      TestModels.projectRoot().resolve("bench/models/mlp-1024x10/model.onnx");

  @TempDir Path dir;

  @Test
  void aVersionFolderWithOnlyModelOnnxServesAndIsLoggedAsAutoConfigured() throws Exception {
    Path repo = dir.resolve("repo");
    copyMlp(repo.resolve("mlp/1"));
    Files.writeString(repo.resolve("README.txt"), "not a model");
    try (LogCapture logs = LogCapture.start();
        TestServer server = TestServer.start(repo, Map.of())) {
      assertServesMlp(server, "mlp", "1");
      assertThat(messages(logs, Level.INFO))
          .anyMatch(m ->
              m.startsWith("model mlp: no model.yaml in " + repo.resolve("mlp"))
                  && m.contains("auto-configured as a tensor model from model.onnx")
                  && m.contains("inputs [input FP32 [-1, 1024]], outputs [output FP32 [-1, 10]]"));
      assertThat(messages(logs, Level.WARN))
          .contains(
              "model repository "
                  + repo
                  + ": ignoring README.txt: not a model folder"
                  + " (expected model.yaml or <version>/model.onnx)");
    }
  }

  @Test
  void aRepositoryPathThatIsAModelOnnxServesItUnderModelsName() throws Exception {
    Path mnt = dir.resolve("mnt/models");
    copyMlp(mnt);
    try (LogCapture logs = LogCapture.start();
        TestServer server =
            TestServer.start(mnt.resolve("model.onnx"), Map.of("models.name", "tiny"))) {
      assertServesMlp(server, "tiny", "1");
      assertThat(server.get("/v2/models/models").statusCode()).isEqualTo(404);
      assertThat(messages(logs, Level.INFO))
          .anyMatch(m -> m.startsWith("model tiny: no model.yaml"));
    }
  }

  @Test
  void aRepositoryPathThatIsAFolderHoldingModelOnnxServesItUnderTheFoldersName() throws Exception {
    Path mnt = dir.resolve("mlp-small");
    copyMlp(mnt);
    try (TestServer server = TestServer.start(mnt, Map.of())) {
      assertServesMlp(server, "mlp-small", "1");
      assertThat(server.postJson("/v2/repository/index", "{}").body())
          .contains("\"name\":\"mlp-small\"");
    }
  }

  private static void assertServesMlp(TestServer server, String name, String version)
      throws Exception {
    JsonNode metadata = TestServer.json(server.get("/v2/models/" + name));
    assertThat(metadata.path("name").asText()).isEqualTo(name);
    assertThat(metadata.path("versions").toString()).contains("\"" + version + "\"");
    assertThat(metadata.path("inputs").get(0).path("name").asText()).isEqualTo("input");
    assertThat(metadata.path("inputs").get(0).path("datatype").asText()).isEqualTo("FP32");
    assertThat(metadata.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,1024]");
    assertThat(metadata.path("outputs").get(0).path("shape").toString()).isEqualTo("[-1,10]");
    assertThat(server.get("/v2/models/" + name + "/ready").statusCode()).isEqualTo(200);

    float[] input = new float[1024];
    IntStream.range(0, input.length).forEach(i -> input[i] = (i % 17) / 17f);
    StringBuilder data = new StringBuilder();
    for (float v : input) {
      data.append(data.isEmpty() ? "" : ",").append(v);
    }
    HttpResponse<String> infer =
        server.postJson(
            "/v2/models/" + name + "/infer",
            "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1024],\"data\":["
                + data
                + "]}]}");
    assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
    JsonNode output = TestServer.json(infer).path("outputs").get(0);
    assertThat(output.path("name").asText()).isEqualTo("output");
    assertThat(output.path("shape").toString()).isEqualTo("[1,10]");

    float[] expected = runDirectly(input);
    for (int i = 0; i < expected.length; i++) {
      assertThat((float) output.path("data").get(i).asDouble())
          .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  /** The same input through ONNX Runtime without the server. */
  private static float[] runDirectly(float[] input) {
    try (Model model =
        new OnnxModelRuntime().load(MLP, new ModelRuntime.RuntimeOptions(1, false))) {
      return model
          .run(Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), input)))
          .get("output")
          .floats();
    }
  }

  private static java.util.List<String> messages(LogCapture logs, Level level) {
    return logs.events().stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static void copyMlp(Path folder) throws Exception {
    Files.createDirectories(folder);
    Files.copy(MLP, folder.resolve("model.onnx"));
  }
}
