package dev.argus.model;

import dev.argus.config.BatchingConfig;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a model folder of the repository into a {@link LoadedModel}: settings, newest version,
 * runtime session with the model's threading, labels, and one warm-up inference. Stateless: which
 * model serves is the catalogue's business.
 */
public final class ModelLoader {
  private final ModelRepository repository;
  private final ModelRuntime runtime;
  private final BatchingConfig defaults;
  private final boolean warmup;

  /**
   * @param defaults the server's {@code batching} section, under each model's own
   * @param warmup whether to run one inference before a model counts as loaded
   */
  public ModelLoader(
      ModelRepository repository, ModelRuntime runtime, BatchingConfig defaults, boolean warmup) {
    this.repository = repository;
    this.runtime = runtime;
    this.defaults = defaults;
    this.warmup = warmup;
  }

  public ModelRepository repository() {
    return repository;
  }

  /**
   * Loads the newest version of {@code name} and warms it up.
   *
   * @throws ModelLoadException naming what is missing, malformed or failed, and the version when it
   *     is known
   */
  public LoadedModel load(String name) {
    long start = System.nanoTime();
    ModelRepository.ModelSource source = repository.resolve(name);
    BatchingConfig batching =
        source
            .settings()
            .batching()
            .withDefaults(defaults)
            .resolvedFor(Runtime.getRuntime().availableProcessors());
    ModelRuntime.RuntimeOptions options =
        new ModelRuntime.RuntimeOptions(batching.intraOpThreads(), batching.allowSpinning());
    Model model;
    try {
      model = runtime.load(source.modelFile(), options);
    } catch (ModelLoadException e) {
      throw e.forVersion(source.version());
    } catch (RuntimeException e) {
      throw new ModelLoadException(ModelLoadException.Reason.RUNTIME, "loading failed: " + e, e)
          .forVersion(source.version());
    }
    Duration loadTime = Duration.ofNanos(System.nanoTime() - start);
    try {
      List<String> labels = readLabels(source);
      long warmStart = System.nanoTime();
      if (warmup) {
        model.run(warmupInputs(model.metadata(), source.settings()));
      }
      Duration warmupTime = Duration.ofNanos(System.nanoTime() - warmStart);
      return new LoadedModel(
          name,
          source.version(),
          source.settings(),
          batching,
          model,
          labels,
          source.modelFile(),
          source.directory(),
          source.autoConfigured(),
          loadTime,
          warmupTime);
    } catch (ModelLoadException e) {
      model.close();
      throw e.forVersion(source.version());
    } catch (RuntimeException e) {
      model.close();
      throw new ModelLoadException(
              ModelLoadException.Reason.WARMUP, "warm-up failed: " + e.getMessage(), e)
          .forVersion(source.version());
    }
  }

  private static List<String> readLabels(ModelRepository.ModelSource source) {
    Optional<String> file = source.settings().labelsFile();
    if (file.isEmpty()) {
      return List.of();
    }
    Path path = source.directory().resolve(file.get()).normalize();
    if (!path.startsWith(source.directory())) {
      throw new ModelLoadException(
          ModelLoadException.Reason.CONFIG,
          "labels: " + file.get() + " (expected: a file inside the model's folder)");
    }
    try {
      return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES,
          "labels file " + path + " cannot be read: " + e.getMessage(),
          e);
    }
  }

  /** Zero tensors shaped like one request: dynamic batch 1, image size from the settings. */
  static Map<String, Tensor> warmupInputs(ModelMetadata metadata, ModelSettings settings) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : metadata.inputs()) {
      long[] dims = spec.shape().dims();
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] < 0) {
          dims[i] = 1;
          if (settings.isImageClassifier() && dims.length == 4 && i >= 2) {
            dims[i] =
                i == 2
                    ? settings.preprocessing().outputHeight()
                    : settings.preprocessing().outputWidth();
          }
        }
      }
      Shape shape = Shape.of(dims);
      int n = Math.toIntExact(shape.elementCount());
      Object data = TensorCodec.allocate(spec.type(), n);
      if (spec.type() == DataType.BYTES) {
        Arrays.fill((byte[][]) data, new byte[0]);
      }
      inputs.put(spec.name(), Tensor.of(spec.type(), shape, data));
    }
    return inputs;
  }
}
