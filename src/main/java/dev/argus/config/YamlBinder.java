package dev.argus.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads YAML into trees and binds trees to config records. Errors name the dotted key, the bad
 * value and, when known, where the value came from ({@code ARGUS_SERVER_PORT}, a file, a flag).
 */
public final class YamlBinder {
  private static final ObjectMapper MAPPER = newMapper();

  private YamlBinder() {}

  private static ObjectMapper newMapper() {
    SimpleModule module = new SimpleModule("argus-config");
    module.addDeserializer(Duration.class, new DurationDeserializer());
    return new ObjectMapper(new YAMLFactory())
        .registerModule(module)
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
  }

  /** Parses a YAML file into a tree; an empty file is an empty mapping. */
  public static JsonNode readTree(Path file) {
    try {
      JsonNode node = MAPPER.readTree(Files.readAllBytes(file));
      return node == null || node.isMissingNode() ? MAPPER.createObjectNode() : node;
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": file does not exist");
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }
  }

  /** Parses YAML text into a tree. */
  public static JsonNode readTree(String yaml, String source) {
    try {
      JsonNode node = MAPPER.readTree(yaml);
      return node == null || node.isMissingNode() ? MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      throw new ConfigException(source + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Binds {@code tree} to {@code type}.
   *
   * @param source what the tree was read from, for error messages
   * @param origins dotted key to where its value was set (an environment variable or a flag)
   */
  public static <T> T bind(
      JsonNode tree, Class<T> type, String source, Map<String, String> origins) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String key = pathOf(e);
      throw new ConfigException(
          source + ": unknown key '" + key + "'" + knownKeysHint(e.getKnownPropertyIds()));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = join(pathOf(e), cause.getMessage());
      throw new ConfigException(source + ": " + message + originHint(message, origins), e);
    } catch (JsonMappingException e) {
      String key = pathOf(e);
      JsonNode value = at(tree, key);
      String problem =
          e.getCause() instanceof IllegalArgumentException iae
              ? iae.getMessage()
              : firstLine(e.getOriginalMessage());
      throw new ConfigException(
          source
              + ": "
              + key
              + ": "
              + (value == null ? "" : value + " ")
              + "is not valid ("
              + problem
              + ")"
              + originHint(key, origins),
          e);
    } catch (IOException e) {
      throw new ConfigException(source + ": " + firstLine(e.getMessage()), e);
    }
  }

  private static String pathOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String join(String path, String rest) {
    return path.isEmpty() ? rest : path + "." + rest;
  }

  private static JsonNode at(JsonNode tree, String dotted) {
    JsonNode node = tree;
    for (String part : dotted.split("\\.")) {
      if (node == null || part.isEmpty()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }

  private static String originHint(String messageOrKey, Map<String, String> origins) {
    return origins.entrySet().stream()
        .filter(o -> messageOrKey.startsWith(o.getKey() + ":") || messageOrKey.equals(o.getKey()))
        .map(o -> " (set by " + o.getValue() + ")")
        .findFirst()
        .orElse("");
  }

  private static String knownKeysHint(java.util.Collection<Object> known) {
    if (known == null || known.isEmpty()) {
      return "";
    }
    return " (known keys here: "
        + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
        + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Durations.parse(p.getValueAsString(p.getText()));
    }
  }

  /** A duration, or null for an empty value ("not set: derive it"). */
  public static final class OptionalDurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString(p.getText());
      return text == null || text.isBlank() ? null : Durations.parse(text);
    }
  }

  /** Deserialises {@code 16MiB}-style sizes into a {@code long} number of bytes. */
  public static final class ByteSizeDeserializer extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return ByteSizes.parse(p.getValueAsString(p.getText()));
    }
  }
}
