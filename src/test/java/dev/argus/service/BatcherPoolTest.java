package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.config.BatchingConfig;
import dev.argus.config.ModelSettings;
import dev.argus.model.LoadedModel;
import dev.argus.model.Model;
import dev.argus.model.ModelMetadata;
import dev.argus.model.TensorSpec;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatcherPoolTest {
  private static final BatchingConfig EIGHT =
      new BatchingConfig(8, Duration.ofMillis(2), 16, 2, 0, false);

  @Test
  void dynamicFirstDimensionKeepsTheConfiguredBatchSize() {
    var settings = BatcherPool.settingsFor(model(Shape.of(-1, 3, 224, 224)));

    assertThat(settings.maxBatchSize()).isEqualTo(8);
    assertThat(settings.maxQueueDelay()).isEqualTo(Duration.ofMillis(2));
    assertThat(settings.queueCapacity()).isEqualTo(16);
    assertThat(settings.instances()).isEqualTo(2);
  }

  @Test
  void fixedFirstDimensionRunsWithBatchOne() {
    assertThat(BatcherPool.settingsFor(model(Shape.of(1, 3, 224, 224))).maxBatchSize())
        .isEqualTo(1);
  }

  @Test
  void unloadingAModelClosesItsBatcher() {
    BatcherPool pool =
        new BatcherPool(
            System::nanoTime, dev.argus.observe.InferenceObserver.NONE, Duration.ofSeconds(1));
    LoadedModel m = model(Shape.of(-1, 2));
    pool.loaded(m, Duration.ZERO, Duration.ZERO);
    assertThat(pool.stats("m")).isPresent();

    pool.unloaded("m", "1");

    assertThat(pool.stats("m")).isEmpty();
    pool.close();
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
        java.nio.file.Path.of("model.onnx"));
  }
}
