package dev.argus.model;

import dev.argus.config.ConfigException;
import dev.argus.config.YamlBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A model repository on disk: {@code <repo>/<name>/model.yaml} and {@code
 * <repo>/<name>/<version>/model.onnx}. The highest numeric version is served.
 */
public final class ModelRepository {
  /** Model names: what can safely be a folder name, a URL segment and a metric label. */
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern VERSION = Pattern.compile("[0-9]{1,18}");
  static final String SETTINGS_FILE = "model.yaml";
  static final String MODEL_FILE = "model.onnx";

  private final Path root;

  public ModelRepository(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** True when {@code name} is a well-formed model name (no path separators, no dots first). */
  public static boolean isValidName(String name) {
    return name != null && MODEL_NAME.matcher(name).matches() && !name.contains("..");
  }

  /** The names of the models in the repository: folders with a {@code model.yaml}. */
  public List<String> modelNames() {
    if (!Files.isDirectory(root)) {
      throw new ConfigException("models.repository: " + root + " is not a directory");
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(p -> Files.isRegularFile(p.resolve(SETTINGS_FILE)))
          .map(p -> p.getFileName().toString())
          .filter(ModelRepository::isValidName)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  /** A model that can be loaded: its newest version's file and its settings. */
  public record ModelSource(
      String name, String version, Path directory, Path modelFile, ModelSettings settings) {}

  /**
   * Resolves {@code name} to its newest version.
   *
   * @throws ModelLoadException naming what is missing or malformed
   */
  public ModelSource resolve(String name) {
    if (!isValidName(name)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.CONFIG, "'" + name + "' is not a valid model name");
    }
    Path dir = root.resolve(name);
    Path settingsFile = dir.resolve(SETTINGS_FILE);
    if (!Files.isRegularFile(settingsFile)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES, name + ": " + settingsFile + " does not exist");
    }
    ModelSettings settings;
    try {
      settings =
          YamlBinder.bind(
              YamlBinder.readTree(settingsFile),
              ModelSettings.class,
              settingsFile.toString(),
              Map.of());
    } catch (ConfigException e) {
      throw new ModelLoadException(ModelLoadException.Reason.CONFIG, e.getMessage(), e);
    }
    String version =
        newestVersion(dir)
            .orElseThrow(() ->
                new ModelLoadException(
                    ModelLoadException.Reason.FILES,
                    name + ": no version folder (" + dir + "/<number>/" + MODEL_FILE + ")"));
    return new ModelSource(name, version, dir, dir.resolve(version).resolve(MODEL_FILE), settings);
  }

  private static Optional<String> newestVersion(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> VERSION.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.exists(p.resolve(MODEL_FILE)))
          .map(p -> p.getFileName().toString())
          .max(Comparator.comparingLong(Long::parseLong));
    } catch (IOException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES, dir + ": cannot be listed: " + e.getMessage(), e);
    }
  }
}
