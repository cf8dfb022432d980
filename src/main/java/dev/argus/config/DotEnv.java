package dev.argus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} file: {@code KEY=VALUE} lines, as Docker Compose and most twelve-factor tools read
 * them. Blank lines and lines starting with {@code #} are skipped; a leading {@code export} is
 * allowed; a value may be double-quoted (with {@code \n}, {@code \"} and {@code \\} escapes),
 * single-quoted (literal), or bare (trimmed, ending at {@code " #"}).
 *
 * <p>The process environment wins over the file: a variable set in both takes the environment's
 * value. Argus uses {@code ARGUS_*} (config keys and {@code ARGUS_CONFIG}) and {@code OTEL_*}.
 */
public final class DotEnv {
  /** The file read from the working directory unless {@code ARGUS_ENV_FILE} names another. */
  public static final String DEFAULT_FILE = ".env";

  /** The variable that names another {@code .env} file (environment only). */
  public static final String FILE_VARIABLE = "ARGUS_ENV_FILE";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Launcher variables the JVM has already used when the file is read. */
  private static final List<String> LAUNCHER_ONLY = List.of("ARGUS_JAVA", "ARGUS_JAVA_OPTS");

  private DotEnv() {}

  /** What the process sees: {@code dotEnv} under {@code process}. */
  public record Environment(Map<String, String> variables, Map<String, String> fromFile) {
    public Environment {
      variables = Map.copyOf(variables);
      fromFile = Map.copyOf(fromFile);
    }
  }

  /**
   * The process environment over the {@code .env} file it names ({@code ARGUS_ENV_FILE}, else
   * {@code ./.env} when present).
   *
   * @throws ConfigException when a line of the file is malformed, or a named file is missing
   */
  public static Environment load(Map<String, String> process, Path workingDirectory) {
    String named = process.get(FILE_VARIABLE);
    Path file =
        named != null && !named.isBlank()
            ? workingDirectory.resolve(named)
            : workingDirectory.resolve(DEFAULT_FILE);
    if (!Files.isRegularFile(file)) {
      if (named != null && !named.isBlank()) {
        throw new ConfigException(FILE_VARIABLE + ": " + named + " (expected: a .env file; none)");
      }
      return new Environment(process, Map.of());
    }
    Map<String, String> fromFile = read(file);
    Map<String, String> merged = new LinkedHashMap<>(fromFile);
    merged.putAll(process);
    return new Environment(merged, fromFile);
  }

  /** The variables of {@code file}, in file order; a later line wins over an earlier one. */
  public static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? line : line.substring(0, eq).strip();
      if (eq < 0 || !NAME.matcher(name).matches()) {
        throw new ConfigException(
            file + ":" + (i + 1) + ": " + lines.get(i).strip() + " (expected: NAME=value)");
      }
      vars.put(name, value(line.substring(eq + 1).strip(), file + ":" + (i + 1)));
    }
    return vars;
  }

  /**
   * The {@code OTEL_*} variables that came from the file only, as the system properties
   * OpenTelemetry's autoconfiguration reads ({@code OTEL_EXPORTER_OTLP_ENDPOINT} becomes {@code
   * otel.exporter.otlp.endpoint}): the SDK reads the real environment itself.
   */
  public static Map<String, String> otelProperties(Environment env) {
    Map<String, String> props = new LinkedHashMap<>();
    env.fromFile()
        .forEach((name, value) -> {
          if (name.startsWith("OTEL_") && env.variables().get(name).equals(value)) {
            props.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    return props;
  }

  /** What in the file cannot take effect: variables only the launcher script reads. */
  public static List<String> warnings(Environment env) {
    return LAUNCHER_ONLY.stream()
        .filter(env.fromFile()::containsKey)
        .map(name ->
            ".env sets "
                + name
                + ", which only the argus launcher reads before the JVM starts; ignored (set it in"
                + " the environment)")
        .toList();
  }

  private static String value(String raw, String where) {
    if (raw.startsWith("\"")) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && i + 1 < raw.length()) {
          char next = raw.charAt(++i);
          out.append(
              switch (next) {
                case 'n' -> '\n';
                case 't' -> '\t';
                default -> next;
              });
        } else {
          out.append(c);
        }
      }
      throw new ConfigException(where + ": unterminated double quote in " + raw);
    }
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      if (end < 0) {
        throw new ConfigException(where + ": unterminated single quote in " + raw);
      }
      return raw.substring(1, end);
    }
    int comment = raw.indexOf(" #");
    return (comment < 0 ? raw : raw.substring(0, comment)).strip();
  }
}
