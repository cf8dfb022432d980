package dev.argus.model;

import dev.argus.config.BatchingConfig;
import dev.argus.config.ModelSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * A model that is loaded and warmed up, with what the service needs to use it; {@code batching} is
 * its {@code model.yaml} batching over the server's defaults; {@code sourceFile} the loaded {@code
 * model.onnx}.
 */
public record LoadedModel(
    String name,
    String version,
    ModelSettings settings,
    BatchingConfig batching,
    Model model,
    List<String> labels,
    Path sourceFile) {
  public LoadedModel {
    labels = List.copyOf(labels);
  }
}
