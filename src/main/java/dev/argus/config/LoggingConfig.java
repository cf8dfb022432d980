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
        long payloadMaxBytes,
    String console,
    int queueSize,
    String fileCompression) {
  private static final Set<String> CONSOLE = Set.of("auto", "all", "warn", "off");
  private static final Set<String> COMPRESSION = Set.of("gzip", "none");
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
    console = console == null ? "auto" : console.toLowerCase(Locale.ROOT);
    Check.that(CONSOLE.contains(console), "console", console, "auto, all, warn or off");
    fileCompression = fileCompression == null ? "gzip" : fileCompression.toLowerCase(Locale.ROOT);
    Check.that(
        COMPRESSION.contains(fileCompression), "file_compression", fileCompression, "gzip or none");
    Check.that(queueSize >= 0, "queue_size", queueSize, ">= 0 (0: write on the caller's thread)");
  }

  /**
   * The lowest level the console writes, or null for none: {@code auto} is everything when there is
   * no log file and WARN and above when there is one (the file has the rest), so a line is not
   * encoded and written twice by default.
   */
  public String consoleThreshold() {
    return switch (console) {
      case "all" -> "TRACE";
      case "warn" -> "WARN";
      case "off" -> null;
      default -> file.isEmpty() ? "TRACE" : "WARN";
    };
  }

  /** The log file, when logs also go to one. */
  public java.util.Optional<String> logFile() {
    return file.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(file);
  }
}
