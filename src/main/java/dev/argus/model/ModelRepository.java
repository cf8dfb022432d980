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
 * A model repository on disk. Three layouts are served:
 *
 * <ul>
 *   <li>a folder of model folders: {@code <repo>/<name>/model.yaml} and {@code
 *       <repo>/<name>/<version>/model.onnx} (the highest numeric version serves);
 *   <li>a model folder without {@code model.yaml} ({@code <name>/1/model.onnx} or {@code
 *       <name>/model.onnx}): auto-configured as a tensor model whose metadata comes from the
 *       session, as Triton does;
 *   <li>a single model: the repository path is a {@code model.onnx} file or a folder that is itself
 *       a model folder (KServe's {@code /mnt/models/model.onnx}); its name is {@code models.name},
 *       else the folder's name.
 * </ul>
 */
public final class ModelRepository {
  /** Model names: what can safely be a folder name, a URL segment and a metric label. */
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern VERSION = Pattern.compile("[0-9]{1,18}");
  static final String SETTINGS_FILE = "model.yaml";
  static final String MODEL_FILE = "model.onnx";

  /** The version a model file outside any version folder is served as. */
  static final String UNVERSIONED = "1";

  private final Path root;
  private final Optional<String> singleModel;

  /** A repository of model folders, or a single model when {@code root} is one. */
  public ModelRepository(Path root) {
    this(root, "");
  }

  /**
   * @param root the repository folder, a model folder, or a {@code model.onnx} file
   * @param singleName the name a single model serves under; blank for the folder's name
   */
  public ModelRepository(Path root, String singleName) {
    Path path = root.toAbsolutePath().normalize();
    if (Files.isRegularFile(path)) {
      if (!path.getFileName().toString().equals(MODEL_FILE)) {
        throw new ConfigException(
            "models.repository: " + root + " (expected: a directory or a " + MODEL_FILE + " file)");
      }
      path = path.getParent();
    }
    this.root = path;
    if (isModelFolder(path)) {
      String name = singleName == null || singleName.isBlank() ? nameOf(path) : singleName.strip();
      if (!isValidName(name)) {
        throw new ConfigException(
            "models.name: '"
                + name
                + "' (expected: letters, digits, '.', '_' or '-', at most 64; set models.name"
                + " or --model-name for a single model in "
                + path
                + ")");
      }
      this.singleModel = Optional.of(name);
    } else {
      this.singleModel = Optional.empty();
    }
  }

  public Path root() {
    return root;
  }

  /** The name of the one model served, when the repository path is a model itself. */
  public Optional<String> singleModel() {
    return singleModel;
  }

  /** True when {@code name} is a well-formed model name (no path separators, no dots first). */
  public static boolean isValidName(String name) {
    return name != null && MODEL_NAME.matcher(name).matches() && !name.contains("..");
  }

  /**
   * The names of the models in the repository: folders with a {@code model.yaml} or a {@code
   * model.onnx} (directly or in a version folder).
   */
  public List<String> modelNames() {
    if (singleModel.isPresent()) {
      return List.of(singleModel.get());
    }
    if (!Files.isDirectory(root)) {
      throw new ConfigException("models.repository: " + root + " is not a directory");
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(ModelRepository::isModelFolder)
          .map(p -> p.getFileName().toString())
          .filter(ModelRepository::isValidName)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  /**
   * What in the repository folder is not served, each with why: entries that are not model folders,
   * and model folders whose name is not a valid model name. Logged once at startup so that a
   * misplaced file is never ignored silently.
   */
  public List<String> ignoredEntries() {
    if (singleModel.isPresent() || !Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .sorted()
          .flatMap(p -> {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
              return Stream.empty();
            }
            if (!isModelFolder(p)) {
              return Stream.of(
                  name
                      + ": not a model folder (expected "
                      + SETTINGS_FILE
                      + " or <version>/"
                      + MODEL_FILE
                      + ")");
            }
            return isValidName(name)
                ? Stream.empty()
                : Stream.of(name + ": not a valid model name (letters, digits, '.', '_', '-')");
          })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  /**
   * A model that can be loaded: its newest version's file and its settings; {@code autoConfigured}
   * when the folder has no {@code model.yaml} and the settings are the tensor defaults.
   */
  public record ModelSource(
      String name,
      String version,
      Path directory,
      Path modelFile,
      ModelSettings settings,
      boolean autoConfigured) {}

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
    if (singleModel.isPresent() && !singleModel.get().equals(name)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES,
          name + ": this server serves the single model '" + singleModel.get() + "'");
    }
    Path dir = singleModel.isPresent() ? root : root.resolve(name);
    Path settingsFile = dir.resolve(SETTINGS_FILE);
    boolean configured = Files.isRegularFile(settingsFile);
    if (!configured && !Files.isDirectory(dir)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES, name + ": " + dir + " does not exist");
    }
    ModelSettings settings = configured ? readSettings(settingsFile) : autoSettings();
    String version =
        newestVersion(dir)
            .or(() ->
                Files.exists(dir.resolve(MODEL_FILE)) ? Optional.of(UNVERSIONED) : Optional.empty())
            .orElseThrow(() ->
                new ModelLoadException(
                    ModelLoadException.Reason.FILES,
                    name + ": no version folder (" + dir + "/<number>/" + MODEL_FILE + ")"));
    Path versioned = dir.resolve(version).resolve(MODEL_FILE);
    Path file = Files.exists(versioned) ? versioned : dir.resolve(MODEL_FILE);
    return new ModelSource(name, version, dir, file, settings, !configured);
  }

  private static ModelSettings readSettings(Path settingsFile) {
    try {
      return YamlBinder.bind(
          YamlBinder.readTree(settingsFile),
          ModelSettings.class,
          settingsFile.toString(),
          Map.of());
    } catch (ConfigException e) {
      throw new ModelLoadException(ModelLoadException.Reason.CONFIG, e.getMessage(), e);
    }
  }

  /** The settings of a folder without {@code model.yaml}: a tensor model, server batching. */
  private static ModelSettings autoSettings() {
    return new ModelSettings(null, null, null, null, null, null, null);
  }

  /** A folder that holds a model: {@code model.yaml}, {@code model.onnx}, or a version folder. */
  private static boolean isModelFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    if (Files.isRegularFile(dir.resolve(SETTINGS_FILE))
        || Files.isRegularFile(dir.resolve(MODEL_FILE))) {
      return true;
    }
    try {
      return newestVersion(dir).isPresent();
    } catch (ModelLoadException e) {
      return false;
    }
  }

  private static String nameOf(Path dir) {
    Path name = dir.getFileName();
    return name == null ? "model" : name.toString();
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
