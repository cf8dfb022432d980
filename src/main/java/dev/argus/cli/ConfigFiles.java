package dev.argus.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which argus.yaml a command reads. */
final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * {@code --config}, else {@code $ARGUS_CONFIG}, else {@code ./argus.yaml} if present, else none.
   */
  static Path find(Path flag) {
    if (flag != null) {
      return flag;
    }
    String env = System.getenv("ARGUS_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path local = Path.of("argus.yaml");
    return Files.isRegularFile(local) ? local : null;
  }
}
