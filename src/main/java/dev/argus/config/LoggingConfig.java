package dev.argus.config;

import java.util.Locale;
import java.util.Set;

/** The {@code logging} section. */
public record LoggingConfig(
    String format,
    String level,
    String file,
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(
            using = YamlBinder.ByteSizeDeserializer.class)
        long fileMaxSize,
    int fileMaxHistory,
    boolean logPayloads,
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(
            using = YamlBinder.ByteSizeDeserializer.class)
        long payloadMaxBytes) {
  private static final Set<String> FORMATS = Set.of("json", "text");
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  public LoggingConfig {
    format = format == null ? null : format.toLowerCase(Locale.ROOT);
    level = level == null ? null : level.toUpperCase(Locale.ROOT);
    Check.that(FORMATS.contains(format), "format", format, "json or text");
    Check.that(LEVELS.contains(level), "level", level, "one of TRACE, DEBUG, INFO, WARN, ERROR");
    file = file == null ? "" : file.trim();
    Check.that(fileMaxSize >= 1024 * 1024, "file_max_size", fileMaxSize, ">= 1MiB");
    Check.that(fileMaxHistory >= 1, "file_max_history", fileMaxHistory, ">= 1");
    Check.that(
        payloadMaxBytes >= 0 && payloadMaxBytes <= 1024 * 1024,
        "payload_max_bytes",
        payloadMaxBytes,
        "0..1MiB");
  }

  /** The log file, when logs also go to one. */
  public java.util.Optional<String> logFile() {
    return file.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(file);
  }
}
