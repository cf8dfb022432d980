package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.batching.BatchStats;
import dev.argus.batching.Ticker;
import dev.argus.config.BatchingConfig;
import dev.argus.model.LoadedModel;
import dev.argus.model.Model;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelLoader;
import dev.argus.model.ModelMetadata;
import dev.argus.model.ModelRepository;
import dev.argus.model.ModelSettings;
import dev.argus.model.TensorSpec;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.observe.InferenceObserver;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models published with their batchers, and stopped queue first, on real ONNX Runtime sessions. */
class ModelLifecycleTest {
  private static final Path MLP = Path.of("bench/models/mlp-1024x10/model.onnx");
  private static final BatchingConfig EIGHT =
      new BatchingConfig(8, Duration.ofMillis(2), 16, 2, 0, false);

  @TempDir Path repo;

  @Test
  void aLoadedModelServesThroughItsBatcher() throws Exception {
    addMlp("mlp");
    ModelCatalogue catalogue = new ModelCatalogue(new ModelRepository(repo), Optional.empty());
    try (ModelLifecycle lifecycle = lifecycle(catalogue)) {
      lifecycle.loadAll().get(30, TimeUnit.SECONDS);

      ServingModel mlp = catalogue.serving("mlp");
      var result =
          mlp.batcher()
              .submit(
                  Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), new float[1024])),
                  System.nanoTime() + TimeUnit.SECONDS.toNanos(5))
              .get(5, TimeUnit.SECONDS);
      assertThat(result.outputs().get("output").shape()).isEqualTo(Shape.of(1, 10));
      assertThat(catalogue.stats("mlp").completedRequests()).isEqualTo(1);
      assertThat(catalogue.defaultModelName()).isEqualTo("mlp");
      assertThat(catalogue.queueReadings()).hasSize(1);
    }
  }

  @Test
  void unloadDrainsTheBatcherClosesTheSessionAndAnswersNotFound() throws Exception {
    addMlp("mlp");
    ModelCatalogue catalogue = new ModelCatalogue(new ModelRepository(repo), Optional.empty());
    try (ModelLifecycle lifecycle = lifecycle(catalogue)) {
      lifecycle.loadAll().get(30, TimeUnit.SECONDS);
      Model session = catalogue.serving("mlp").model().model();

      lifecycle.unload("mlp");

      assertThat(catalogue.ready("mlp")).isEmpty();
      assertThat(catalogue.status("mlp").orElseThrow().state())
          .isEqualTo(ModelCatalogue.State.UNLOADED);
      assertThat(catalogue.stats("mlp")).isEqualTo(BatchStats.NONE);
      assertThatThrownBy(() -> catalogue.serving("mlp"))
          .isInstanceOf(ArgusException.NotFound.class)
          .hasMessageContaining("unloaded");
      assertThatThrownBy(() ->
              session.run(Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), new float[1024]))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> lifecycle.unload("never-loaded"))
          .isInstanceOf(ArgusException.NotFound.class);
    }
  }

  @Test
  void aModelThatFailsToLoadIsNotReadyWithItsReason() throws Exception {
    addMlp("mlp");
    Files.writeString(repo.resolve("mlp/1/model.onnx"), "not an onnx file");
    ModelCatalogue catalogue = new ModelCatalogue(new ModelRepository(repo), Optional.empty());
    try (ModelLifecycle lifecycle = lifecycle(catalogue)) {
      lifecycle.loadAll().get(30, TimeUnit.SECONDS);

      assertThat(catalogue.status("mlp").orElseThrow().state())
          .isEqualTo(ModelCatalogue.State.FAILED);
      assertThatThrownBy(() -> catalogue.serving("mlp"))
          .isInstanceOf(ArgusException.ModelNotReady.class)
          .hasMessageContaining("could not load");
    }
  }

  @Test
  void dynamicFirstDimensionKeepsTheConfiguredBatchSize() {
    var settings = ModelLifecycle.batchSettings(model(Shape.of(-1, 3, 224, 224)));

    assertThat(settings.maxBatchSize()).isEqualTo(8);
    assertThat(settings.maxQueueDelay()).isEqualTo(Duration.ofMillis(2));
    assertThat(settings.queueCapacity()).isEqualTo(16);
    assertThat(settings.instances()).isEqualTo(2);
  }

  @Test
  void fixedFirstDimensionRunsWithBatchOne() {
    assertThat(ModelLifecycle.batchSettings(model(Shape.of(1, 3, 224, 224))).maxBatchSize())
        .isEqualTo(1);
  }

  private ModelLifecycle lifecycle(ModelCatalogue catalogue) {
    return new ModelLifecycle(
        catalogue,
        new ModelLoader(catalogue.repository(), new OnnxModelRuntime(), EIGHT, true),
        Ticker.SYSTEM,
        InferenceObserver.NONE,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        new ModelLifecycle.Listener() {});
  }

  private void addMlp(String name) throws Exception {
    Path dir = Files.createDirectories(repo.resolve(name).resolve("1"));
    Files.copy(MLP, dir.resolve("model.onnx"));
    Files.writeString(repo.resolve(name).resolve("model.yaml"), "kind: tensor\n");
  }

  private static LoadedModel model(Shape input) {
    Model model =
        new Model() {
          @Override
          public ModelMetadata metadata() {
            return new ModelMetadata(List.of(new TensorSpec("x", DataType.FP32, input)), List.of());
          }

          @Override
          public Map<String, Tensor> run(Map<String, Tensor> inputs) {
            return inputs;
          }

          @Override
          public void close() {}
        };
    return new LoadedModel(
        "m",
        "1",
        new ModelSettings(null, null, null, null, null, null, null),
        EIGHT,
        model,
        List.of(),
        Path.of("model.onnx"),
        Path.of("."),
        false,
        Duration.ZERO,
        Duration.ZERO);
  }
}
