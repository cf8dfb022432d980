package dev.argus.cli;

import dev.argus.config.ConfigLoader;
import dev.argus.config.DotEnv;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which argus.yaml and which environment ({@code .env} included) a command reads. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** The process environment over {@code ./.env} (or {@code $ARGUS_ENV_FILE}). */
  static DotEnv.Environment environment() {
    return DotEnv.load(System.getenv(), Path.of(""));
  }

  /** The configuration from {@code --config} (or where {@link #find} looks), env and flags. */
  static ConfigLoader.Loaded load(
      Path configFlag, DotEnv.Environment env, java.util.Map<String, String> flags) {
    return ConfigLoader.load(find(configFlag, env.variables()), env.variables(), flags);
  }

  /**
   * {@code --config}, else {@code $ARGUS_CONFIG} (environment or {@code .env}), else {@code
   * ./argus.yaml} if present, else none.
   */
  static Path find(Path flag, java.util.Map<String, String> environment) {
    if (flag != null) {
      return flag;
    }
    String env = environment.get("ARGUS_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path local = Path.of("argus.yaml");
    return Files.isRegularFile(local) ? local : null;
  }
}
