package dev.argus.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds an {@link ArgusConfig} from, in increasing precedence: the built-in defaults, an {@code
 * argus.yaml} file, {@code ARGUS_*} variables of a {@code .env} file ({@link DotEnv}), {@code
 * ARGUS_*} environment variables and command-line flags.
 *
 * <p>Tracing turns on by itself when an OTLP endpoint is given the standard way ({@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) and {@code
 * tracing.enabled} is not set anywhere: a collector configured for the pod is used without a second
 * switch.
 *
 * <p>Every scalar key has an environment name: {@code logging.format} is {@code
 * ARGUS_LOGGING_FORMAT}. The names are derived from the keys that exist, so {@code a.b_c} maps to
 * {@code ARGUS_A_B_C} without ambiguity.
 */
public final class ConfigLoader {
  /** Environment variables with this prefix that are not config keys, used by the launcher. */
  private static final List<String> NON_CONFIG_VARIABLES =
      List.of("ARGUS_CONFIG", "ARGUS_JAVA_OPTS", "ARGUS_HOME", "ARGUS_JAVA", DotEnv.FILE_VARIABLE);

  /** The standard variables that name where traces go. */
  private static final List<String> OTLP_ENDPOINTS =
      List.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT");

  private ConfigLoader() {}

  /**
   * A loaded config, what the loader noticed but did not refuse ({@code warnings}), and what it
   * decided on its own that an operator should see in the log ({@code notes}).
   */
  public record Loaded(ArgusConfig config, List<String> warnings, List<String> notes) {}

  /**
   * Loads the configuration.
   *
   * @param file an {@code argus.yaml}, or {@code null} for defaults only
   * @param env the environment ({@code System.getenv()})
   * @param flags dotted keys set on the command line, e.g. {@code server.port -> 9090}
   */
  public static Loaded load(Path file, Map<String, String> env, Map<String, String> flags) {
    ObjectNode tree = defaults();
    String source = "defaults";
    boolean tracingSetInFile = false;
    if (file != null) {
      source = file.toString();
      JsonNode user = YamlBinder.readTree(file);
      if (!user.isObject()) {
        throw new ConfigException(source + ": expected a mapping of sections at the top level");
      }
      merge(tree, (ObjectNode) user, "");
      tracingSetInFile = user.path("tracing").has("enabled");
    }
    Map<String, String> origins = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    Map<String, String> envNames = environmentNames(tree);
    for (Map.Entry<String, String> e : envNames.entrySet()) {
      String value = env.get(e.getKey());
      if (value != null) {
        set(tree, e.getValue(), value);
        origins.put(e.getValue(), e.getKey());
      }
    }
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith("ARGUS_")
          && !envNames.containsKey(name)
          && !NON_CONFIG_VARIABLES.contains(name)) {
        warnings.add("environment variable " + name + " is not a config key; ignored");
      }
    }
    for (Map.Entry<String, String> f : flags.entrySet()) {
      if (!envNames.containsValue(f.getKey())) {
        throw new IllegalArgumentException("flag key: " + f.getKey() + " (expected: a config key)");
      }
      set(tree, f.getKey(), f.getValue());
      origins.put(f.getKey(), "command-line flag");
    }
    List<String> notes = new ArrayList<>();
    if (!tracingSetInFile && !origins.containsKey("tracing.enabled")) {
      otlpEndpointVariable(env)
          .ifPresent(variable -> {
            set(tree, "tracing.enabled", "true");
            origins.put("tracing.enabled", variable);
            notes.add(
                "tracing on: "
                    + variable
                    + " is set and tracing.enabled is not (set tracing.enabled: false to keep it"
                    + " off)");
          });
    }
    return new Loaded(YamlBinder.bind(tree, ArgusConfig.class, source, origins), warnings, notes);
  }

  /** The OTLP endpoint variable set, unless the SDK or its trace exporter is switched off. */
  private static java.util.Optional<String> otlpEndpointVariable(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").strip())
        || "none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", "").strip())) {
      return java.util.Optional.empty();
    }
    return OTLP_ENDPOINTS.stream()
        .filter(name -> env.get(name) != null && !env.get(name).isBlank())
        .findFirst();
  }

  /** Environment variable name for each scalar key, in the order of the defaults file. */
  public static Map<String, String> environmentNames() {
    return environmentNames(defaults());
  }

  /** The environment variable that sets the dotted {@code key}. */
  public static String environmentName(String key) {
    return "ARGUS_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
      if (in == null) {
        throw new IllegalStateException("defaults.yaml is missing from the jar");
      }
      return (ObjectNode)
          YamlBinder.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8), "defaults");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> environmentNames(JsonNode tree) {
    Map<String, String> names = new LinkedHashMap<>();
    collectLeaves(tree, "", names);
    return names;
  }

  private static void collectLeaves(JsonNode node, String prefix, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
      if (f.getValue().isObject()) {
        collectLeaves(f.getValue(), key, out);
      } else if (f.getValue().isValueNode() || isScalarList(f.getValue())) {
        out.put(environmentName(key), key);
      }
    }
  }

  /** A list of plain values (settable as "a,b,c"); lists of mappings are argus.yaml only. */
  private static boolean isScalarList(JsonNode node) {
    if (!node.isArray()) {
      return false;
    }
    for (JsonNode item : node) {
      if (!item.isValueNode()) {
        return false;
      }
    }
    return true;
  }

  /** Overlays {@code user} onto {@code base}; unknown keys are kept so binding can name them. */
  private static void merge(ObjectNode base, ObjectNode user, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = base.get(f.getKey());
      if (existing instanceof ObjectNode existingObject && f.getValue() instanceof ObjectNode o) {
        merge(existingObject, o, prefix + f.getKey() + ".");
      } else if (existing instanceof ObjectNode && !f.getValue().isNull()) {
        throw new ConfigException(
            prefix + f.getKey() + ": " + f.getValue() + " (expected: a mapping of keys)");
      } else if (!f.getValue().isNull()) {
        base.set(f.getKey(), f.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String dotted, String value) {
    String[] parts = dotted.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (ObjectNode) node.get(parts[i]);
    }
    String leaf = parts[parts.length - 1];
    if (node.get(leaf) != null && node.get(leaf).isArray()) {
      // A list key from the environment or a flag: comma-separated, e.g. "https://a,https://b".
      var list = node.arrayNode();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      node.set(leaf, list);
      return;
    }
    node.set(leaf, TextNode.valueOf(value));
  }
}
