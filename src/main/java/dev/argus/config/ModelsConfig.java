package dev.argus.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code models} section: where the model repository is (a folder of model folders, one model
 * folder, or one {@code model.onnx}), the name a single model serves under, how models start, when
 * the server counts as ready ({@code ready_requires}), and how long a model may make no progress
 * before it counts as stalled ({@code stall_timeout}).
 */
public record ModelsConfig(
    String repository,
    String name,
    String defaultModel,
    boolean warmup,
    String readyRequires,
    Duration stallTimeout) {
  /** Ready while at least one model serves. */
  public static final String ANY = "any";

  /** Ready only while every model that is not unloaded serves. */
  public static final String ALL = "all";

  public ModelsConfig {
    Check.that(
        repository != null && !repository.isBlank(), "repository", repository, "a directory");
    name = name == null ? "" : name.trim();
    defaultModel = defaultModel == null ? "" : defaultModel.trim();
    readyRequires = readyRequires == null ? ANY : readyRequires;
    Check.that(
        Set.of(ANY, ALL).contains(readyRequires), "ready_requires", readyRequires, "any or all");
    stallTimeout = stallTimeout == null ? Duration.ofSeconds(30) : stallTimeout;
    Check.that(
        stallTimeout.compareTo(Duration.ofSeconds(1)) >= 0,
        "stall_timeout",
        Durations.format(stallTimeout),
        ">= 1s");
  }

  public Path repositoryPath() {
    return Path.of(repository);
  }

  /** The name a single model (the repository path is one model) serves under. */
  public Optional<String> singleModelName() {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /** The model {@code POST /predict} uses, when one is configured. */
  public Optional<String> defaultModelName() {
    return defaultModel.isEmpty() ? Optional.empty() : Optional.of(defaultModel);
  }

  /** Whether every model must serve for the server to be ready ({@code ready_requires: all}). */
  public boolean readyRequiresAll() {
    return readyRequires.equals(ALL);
  }
}
