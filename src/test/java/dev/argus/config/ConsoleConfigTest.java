package dev.argus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console keys: defaults, environment variables, and refusals that name what was wrong. */
class ConsoleConfigTest {
  @Test
  void theConsoleIsOnOpenAndWithoutTraceLinksByDefault() {
    ConsoleConfig c = ConfigLoader.load(null, Map.of(), Map.of()).config().console();

    assertThat(c.enabled()).isTrue();
    assertThat(c.requireToken()).isFalse();
    assertThat(c.traceUrl()).isEmpty();
    assertThat(c.traceLink("0af7651916cd43dd8448eb211c80319c")).isEmpty();
  }

  @Test
  void everyKeyHasItsEnvironmentVariable() {
    ArgusConfig config =
        ConfigLoader.load(
                null,
                Map.of(
                    "ARGUS_CONSOLE_ENABLED", "false",
                    "ARGUS_CONSOLE_REQUIRE_TOKEN", "true",
                    "ARGUS_ADMIN_TOKEN", "a-token-of-sixteen-chars",
                    "ARGUS_CONSOLE_TRACE_URL", "http://jaeger:16686/trace/{trace_id}"),
                Map.of())
            .config();

    assertThat(config.console().enabled()).isFalse();
    assertThat(config.console().requireToken()).isTrue();
    assertThat(config.console().traceLink("abc")).hasValue("http://jaeger:16686/trace/abc");
  }

  @Test
  void aTraceUrlMustBeHttpWithThePlaceholder() {
    for (String bad :
        new String[] {
          "javascript:alert(1)//{trace_id}",
          "http://jaeger:16686/trace/",
          "http://x/{trace_id}\" onmouseover=\"alert(1)",
          "ftp://x/{trace_id}"
        }) {
      assertThatThrownBy(
              () -> ConfigLoader.load(null, Map.of("ARGUS_CONSOLE_TRACE_URL", bad), Map.of()))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("console.trace_url")
          .hasMessageContaining("an http:// or https:// URL holding {trace_id}")
          .hasMessageContaining("ARGUS_CONSOLE_TRACE_URL");
    }
  }

  @Test
  void requiringTheTokenWithoutOneIsRefused() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_CONSOLE_REQUIRE_TOKEN", "true"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("console.require_token: true")
        .hasMessageContaining("unless admin.token or admin.token_file is set");
  }
}
