package dev.argus.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 16MiB}, {@code 512KiB} or a plain number of bytes. */
public final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a size (expected: bytes or a number with KiB, MiB, GiB, KB, MB, GB)");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "kb" -> 1000L;
          case "kib" -> 1024L;
          case "mb" -> 1000L * 1000;
          case "mib" -> 1024L * 1024;
          case "gb" -> 1000L * 1000 * 1000;
          case "gib" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    return Math.multiplyExact(amount, factor);
  }
}
