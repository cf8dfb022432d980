package dev.argus.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations written the way operators write them: {@code 30s}, {@code 2ms}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(us|µs|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code <integer><unit>} with unit {@code us}, {@code ms}, {@code s}, {@code m}, {@code
   * h} or {@code d}.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration (expected: a number and a unit, e.g. 500us, 5ms, 30s, 2m, 1h, 30d)");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The shortest exact form in the units {@link #parse} accepts. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 86_400_000_000_000L == 0 && nanos != 0) {
      return nanos / 86_400_000_000_000L + "d";
    }
    if (nanos % 3_600_000_000_000L == 0 && nanos != 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0 && nanos != 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    return nanos / 1000L + "us";
  }
}
