package dev.argus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry lifecycle with real ONNX Runtime sessions on the tiny mlp-1024x10 model. */
class ModelRegistryTest {
  private static final Path MLP = Path.of("bench/models/mlp-1024x10/model.onnx");

  @TempDir Path repo;

  @Test
  void loadsWarmsUpAndRunsARealModel() throws Exception {
    addMlp("mlp");
    try (ModelRegistry registry = registry()) {
      registry.loadAll().get(30, TimeUnit.SECONDS);

      LoadedModel model = registry.ready("mlp").orElseThrow();
      assertThat(model.model().metadata().inputs().get(0).shape()).isEqualTo(Shape.of(-1, 1024));
      Map<String, Tensor> out =
          model.model().run(Map.of("input", Tensor.ofFloats(Shape.of(2, 1024), new float[2048])));
      Tensor probabilities = out.get("output");
      assertThat(probabilities.shape()).isEqualTo(Shape.of(2, 10));
      float sum = 0;
      for (int i = 0; i < 10; i++) {
        sum += probabilities.floats()[i];
      }
      assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @Test
  void unloadClosesTheSessionAndReportsUnloaded() throws Exception {
    addMlp("mlp");
    try (ModelRegistry registry = registry()) {
      registry.loadAll().get(30, TimeUnit.SECONDS);
      Model model = registry.ready("mlp").orElseThrow().model();

      registry.unload("mlp");

      assertThat(registry.ready("mlp")).isEmpty();
      assertThat(registry.status("mlp").orElseThrow().state())
          .isEqualTo(ModelRegistry.State.UNLOADED);
      assertThatThrownBy(
              () -> model.run(Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), new float[1024]))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("closed");
      assertThat(registry.unload("never-loaded")).isEmpty();
    }
  }

  @Test
  void wrongInputTypeIsAnExecutionFailureNotACrash() throws Exception {
    addMlp("mlp");
    try (ModelRegistry registry = registry()) {
      registry.loadAll().get(30, TimeUnit.SECONDS);
      Model model = registry.ready("mlp").orElseThrow().model();

      assertThatThrownBy(() ->
              model.run(
                  Map.of("input", Tensor.of(DataType.INT64, Shape.of(1, 1024), new long[1024]))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("ONNX Runtime failed");
    }
  }

  @Test
  void labelsOutsideTheModelFolderAreRefused() throws Exception {
    addMlp("mlp");
    Files.writeString(repo.resolve("mlp/model.yaml"), "kind: tensor\nlabels: ../../etc/passwd\n");
    try (ModelRegistry registry = registry()) {
      registry.loadAll().get(30, TimeUnit.SECONDS);

      assertThat(registry.status("mlp").orElseThrow().reason())
          .contains("inside the model's folder");
    }
  }

  @Test
  void warmupInputsReplaceDynamicDimensions() {
    ModelMetadata metadata =
        new ModelMetadata(
            java.util.List.of(
                new TensorSpec("ids", DataType.INT64, Shape.of(-1, -1)),
                new TensorSpec("text", DataType.BYTES, Shape.of(-1))),
            java.util.List.of());
    dev.argus.config.ModelSettings settings =
        new dev.argus.config.ModelSettings(null, null, null, null, null, null, null);

    Map<String, Tensor> inputs = ModelRegistry.warmupInputs(metadata, settings);

    assertThat(inputs.get("ids").shape()).isEqualTo(Shape.of(1, 1));
    assertThat(inputs.get("text").type()).isEqualTo(DataType.BYTES);
  }

  private ModelRegistry registry() {
    return new ModelRegistry(
        new ModelRepository(repo),
        new OnnxModelRuntime(),
        new dev.argus.config.BatchingConfig(1, java.time.Duration.ZERO, 8, 1, 1, false),
        true,
        new ModelRegistry.Listener() {});
  }

  private void addMlp(String name) throws Exception {
    Path dir = Files.createDirectories(repo.resolve(name).resolve("1"));
    Files.copy(MLP, dir.resolve("model.onnx"));
    Files.writeString(repo.resolve(name).resolve("model.yaml"), "kind: tensor\n");
  }
}
