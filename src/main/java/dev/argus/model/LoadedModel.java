package dev.argus.model;

import dev.argus.config.BatchingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A model that is loaded and warmed up, with what the service needs to use it; {@code batching} is
 * its {@code model.yaml} batching over the server's defaults; {@code sourceFile} the loaded {@code
 * model.onnx} and {@code directory} the model's folder; {@code autoConfigured} when the folder has
 * no {@code model.yaml}; {@code loadTime} the session's creation and {@code warmupTime} its first
 * inference.
 */
public record LoadedModel(
    String name,
    String version,
    ModelSettings settings,
    BatchingConfig batching,
    Model model,
    List<String> labels,
    Path sourceFile,
    Path directory,
    boolean autoConfigured,
    Duration loadTime,
    Duration warmupTime) {
  public LoadedModel {
    labels = List.copyOf(labels);
  }

  /** The input an image classifier feeds: {@code input} of model.yaml, else the first. */
  public String imageInputName() {
    return settings.inputName().orElse(model.metadata().inputs().get(0).name());
  }
}
