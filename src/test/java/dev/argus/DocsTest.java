package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.argus.config.ConfigLoader;
import dev.argus.testing.TestModels;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/ describes what the code does: every config key and endpoint, and nothing that is gone. */
class DocsTest {
  private static final Path DOCS = TestModels.projectRoot().resolve("docs");
  private static final Pattern KEY_ROW =
      Pattern.compile("^\\| `([a-z_]+\\.[a-z_.]+)` \\| `(ARGUS_[A-Z_]+)` \\|", Pattern.MULTILINE);

  @Test
  void everyConfigKeyIsDocumentedWithItsEnvironmentVariable() throws Exception {
    Map<String, String> documented = documentedKeys();

    for (Map.Entry<String, String> e : ConfigLoader.environmentNames().entrySet()) {
      assertThat(documented)
          .as("docs/configuration.md row for " + e.getValue())
          .containsEntry(e.getValue(), e.getKey());
    }
  }

  @Test
  void everyDocumentedConfigKeyExists() throws Exception {
    assertThat(ConfigLoader.environmentNames().values()).containsAll(documentedKeys().keySet());
  }

  @Test
  void everyEndpointIsInTheApiGuide() throws Exception {
    String api = Files.readString(DOCS.resolve("api.md"));
    try (InputStream in =
        getClass().getResourceAsStream("/dev/argus/transport/http/openapi.yaml")) {
      new ObjectMapper(new YAMLFactory())
          .readTree(in)
          .path("paths")
          .fieldNames()
          .forEachRemaining(path ->
              assertThat(api).as("docs/api.md mentions " + path).contains("`" + path + "`"));
    }
  }

  private static Map<String, String> documentedKeys() throws Exception {
    String doc = Files.readString(DOCS.resolve("configuration.md"));
    Matcher m = KEY_ROW.matcher(doc);
    Map<String, String> keys = new java.util.HashMap<>();
    Set<String> seen = new HashSet<>();
    while (m.find()) {
      assertThat(seen.add(m.group(1))).as("documented once: " + m.group(1)).isTrue();
      keys.put(m.group(1), m.group(2));
    }
    return keys;
  }
}
