package dev.argus.config;

import java.nio.file.Path;
import java.util.Optional;

/** The {@code models} section: where the model repository is and how models start. */
public record ModelsConfig(String repository, String defaultModel, boolean warmup) {
  public ModelsConfig {
    Check.that(
        repository != null && !repository.isBlank(), "repository", repository, "a directory");
    defaultModel = defaultModel == null ? "" : defaultModel.trim();
  }

  public Path repositoryPath() {
    return Path.of(repository);
  }

  /** The model {@code POST /predict} uses, when one is configured. */
  public Optional<String> defaultModelName() {
    return defaultModel.isEmpty() ? Optional.empty() : Optional.of(defaultModel);
  }
}
