package dev.argus.config;

import java.util.Locale;
import java.util.Set;

/** The {@code logging} section. */
public record LoggingConfig(String format, String level) {
  private static final Set<String> FORMATS = Set.of("json", "text");
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  public LoggingConfig {
    format = format == null ? null : format.toLowerCase(Locale.ROOT);
    level = level == null ? null : level.toUpperCase(Locale.ROOT);
    Check.that(FORMATS.contains(format), "format", format, "json or text");
    Check.that(LEVELS.contains(level), "level", level, "one of TRACE, DEBUG, INFO, WARN, ERROR");
  }
}
