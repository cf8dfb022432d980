package dev.argus.observe;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames Argus's metrics in text (rules, dashboards, adapter rules) to their names under {@code
 * metrics.prefix}, so the shipped files stay true when the prefix is set. Only whole metric names
 * are renamed (with a histogram's {@code _bucket}, {@code _count}, {@code _sum}); recording rules
 * ({@code argus:...}), JVM and process metrics, and names that merely start alike are left alone.
 */
public final class MetricRename {
  private MetricRename() {}

  /** {@code text} with every Argus metric named as under {@code prefix}. */
  public static String apply(String text, String prefix) {
    if (prefix.isEmpty()) {
      return text;
    }
    List<String> names =
        MetricCatalogue.names("").stream()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    String out = text;
    for (String base : names) {
      String renamed = MetricFactory.name(prefix, base);
      if (renamed.equals(base)) {
        continue;
      }
      Pattern p =
          Pattern.compile(
              "(?<![A-Za-z0-9_:])"
                  + Pattern.quote(base)
                  + "(_bucket|_count|_sum)?(?![A-Za-z0-9_:])");
      out = p.matcher(out).replaceAll(m -> Matcher.quoteReplacement(renamed + group(m)));
    }
    return out;
  }

  private static String group(java.util.regex.MatchResult m) {
    return m.group(1) == null ? "" : m.group(1);
  }
}
