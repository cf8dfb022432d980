package dev.argus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.config.BatchingConfig;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading with real ONNX Runtime sessions on the tiny mlp-1024x10 model. */
class ModelLoaderTest {
  private static final Path MLP = Path.of("bench/models/mlp-1024x10/model.onnx");

  @TempDir Path repo;

  @Test
  void loadsWarmsUpAndRunsARealModel() throws Exception {
    addMlp("mlp");
    LoadedModel model = loader().load("mlp");
    try {
      assertThat(model.version()).isEqualTo("1");
      assertThat(model.loadTime()).isPositive();
      assertThat(model.warmupTime()).isPositive();
      assertThat(model.directory()).isEqualTo(repo.resolve("mlp").toAbsolutePath().normalize());
      assertThat(model.model().metadata().inputs().get(0).shape()).isEqualTo(Shape.of(-1, 1024));
      Map<String, Tensor> out =
          model.model().run(Map.of("input", Tensor.ofFloats(Shape.of(2, 1024), new float[2048])));
      Tensor probabilities = out.get("output");
      assertThat(probabilities.shape()).isEqualTo(Shape.of(2, 10));
      float sum = 0;
      for (int i = 0; i < 10; i++) {
        sum += probabilities.floats()[i];
      }
      assertThat(sum).isCloseTo(1f, Offset.offset(1e-4f));
    } finally {
      model.model().close();
    }
  }

  @Test
  void aClosedSessionRefusesToRun() throws Exception {
    addMlp("mlp");
    Model model = loader().load("mlp").model();
    model.close();

    assertThatThrownBy(
            () -> model.run(Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), new float[1024]))))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void wrongInputTypeIsAnExecutionFailureNotACrash() throws Exception {
    addMlp("mlp");
    Model model = loader().load("mlp").model();
    try {
      assertThatThrownBy(() ->
              model.run(
                  Map.of("input", Tensor.of(DataType.INT64, Shape.of(1, 1024), new long[1024]))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("ONNX Runtime failed");
    } finally {
      model.close();
    }
  }

  @Test
  void labelsOutsideTheModelFolderAreRefusedNamingTheVersion() throws Exception {
    addMlp("mlp");
    Files.writeString(repo.resolve("mlp/model.yaml"), "kind: tensor\nlabels: ../../etc/passwd\n");

    assertThatThrownBy(() -> loader().load("mlp"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("inside the model's folder")
        .satisfies(e -> assertThat(((ModelLoadException) e).version()).isEqualTo("1"));
  }

  @Test
  void aFolderWithoutAVersionFailsBeforeAnyVersionIsKnown() throws Exception {
    Files.createDirectories(repo.resolve("empty"));
    Files.writeString(repo.resolve("empty/model.yaml"), "kind: tensor\n");

    assertThatThrownBy(() -> loader().load("empty"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no version folder")
        .satisfies(e -> assertThat(((ModelLoadException) e).version()).isEmpty());
  }

  @Test
  void warmupInputsReplaceDynamicDimensions() {
    ModelMetadata metadata =
        new ModelMetadata(
            List.of(
                new TensorSpec("ids", DataType.INT64, Shape.of(-1, -1)),
                new TensorSpec("text", DataType.BYTES, Shape.of(-1))),
            List.of());
    ModelSettings settings = new ModelSettings(null, null, null, null, null, null, null);

    Map<String, Tensor> inputs = ModelLoader.warmupInputs(metadata, settings);

    assertThat(inputs.get("ids").shape()).isEqualTo(Shape.of(1, 1));
    assertThat(inputs.get("text").type()).isEqualTo(DataType.BYTES);
  }

  private ModelLoader loader() {
    return new ModelLoader(
        new ModelRepository(repo),
        new OnnxModelRuntime(),
        new BatchingConfig(1, Duration.ZERO, 8, 1, 1, false),
        true);
  }

  private void addMlp(String name) throws Exception {
    Path dir = Files.createDirectories(repo.resolve(name).resolve("1"));
    Files.copy(MLP, dir.resolve("model.onnx"));
    Files.writeString(repo.resolve(name).resolve("model.yaml"), "kind: tensor\n");
  }
}
