package dev.argus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsServeTheBundledRepositoryOnPort8080() {
    ArgusConfig config = ConfigLoader.load(null, Map.of(), Map.of()).config();

    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.limits().maxRequestBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(config.models().repository()).isEqualTo("models");
    assertThat(config.models().defaultModelName()).isEmpty();
    assertThat(config.logging().format()).isEqualTo("text");
  }

  @Test
  void fileOverridesDefaults() throws Exception {
    Path file =
        write(
            "server:\n  port: 9090\nlimits:\n  max_request_bytes: 2MiB\nlogging:\n  format: JSON\n");

    ArgusConfig config = ConfigLoader.load(file, Map.of(), Map.of()).config();

    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.limits().maxRequestBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(config.logging().format()).isEqualTo("json");
  }

  @Test
  void environmentOverridesFileAndFlagsOverrideEnvironment() throws Exception {
    Path file = write("server:\n  port: 9090\n");
    Map<String, String> env =
        Map.of(
            "ARGUS_SERVER_PORT",
            "7070",
            "ARGUS_LOGGING_FORMAT",
            "json",
            "ARGUS_SERVER_REQUEST_TIMEOUT",
            "250ms");

    ArgusConfig fromEnv = ConfigLoader.load(file, env, Map.of()).config();
    ArgusConfig fromFlag = ConfigLoader.load(file, env, Map.of("server.port", "6060")).config();

    assertThat(fromEnv.server().port()).isEqualTo(7070);
    assertThat(fromEnv.logging().format()).isEqualTo("json");
    assertThat(fromEnv.server().requestTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(fromFlag.server().port()).isEqualTo(6060);
  }

  @Test
  void precedenceIsFlagsThenEnvironmentThenDotEnvThenFileThenDefaults() throws Exception {
    Path file = write("server:\n  port: 9090\n  host: 10.0.0.1\nmetrics:\n  prefix: fromfile\n");
    Files.writeString(
        dir.resolve(".env"),
        "ARGUS_SERVER_PORT=8081\nARGUS_SERVER_HOST=10.0.0.2\nARGUS_LOGGING_FORMAT=json\n");
    DotEnv.Environment env = DotEnv.load(Map.of("ARGUS_SERVER_HOST", "10.0.0.3"), dir);

    ArgusConfig cfg =
        ConfigLoader.load(file, env.variables(), Map.of("server.port", "7070")).config();

    assertThat(cfg.server().port()).isEqualTo(7070); // flag over .env and file
    assertThat(cfg.server().host()).isEqualTo("10.0.0.3"); // environment over .env and file
    assertThat(cfg.logging().format()).isEqualTo("json"); // .env over defaults
    assertThat(cfg.metrics().prefix()).isEqualTo("fromfile"); // file over defaults
    assertThat(cfg.logging().level()).isEqualTo("INFO"); // defaults
  }

  @Test
  void anOtlpEndpointInTheEnvironmentTurnsTracingOnUnlessTracingEnabledIsSet() throws Exception {
    Map<String, String> otel = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");

    ConfigLoader.Loaded auto = ConfigLoader.load(null, otel, Map.of());
    ConfigLoader.Loaded traces =
        ConfigLoader.load(
            null,
            Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"),
            Map.of());

    assertThat(ConfigLoader.load(null, Map.of(), Map.of()).config().tracing().enabled()).isFalse();
    assertThat(auto.config().tracing().enabled()).isTrue();
    assertThat(auto.notes())
        .containsExactly(
            "tracing on: OTEL_EXPORTER_OTLP_ENDPOINT is set and tracing.enabled is not (set"
                + " tracing.enabled: false to keep it off)");
    assertThat(traces.config().tracing().enabled()).isTrue();
    assertThat(
            ConfigLoader.load(write("tracing:\n  enabled: false\n"), otel, Map.of())
                .config()
                .tracing()
                .enabled())
        .isFalse();
    Map<String, String> off = new java.util.HashMap<>(otel);
    off.put("ARGUS_TRACING_ENABLED", "false");
    assertThat(ConfigLoader.load(null, off, Map.of()).config().tracing().enabled()).isFalse();
    assertThat(
            ConfigLoader.load(null, otel, Map.of("tracing.enabled", "false"))
                .config()
                .tracing()
                .enabled())
        .isFalse();
    Map<String, String> disabled = new java.util.HashMap<>(otel);
    disabled.put("OTEL_SDK_DISABLED", "true");
    assertThat(ConfigLoader.load(null, disabled, Map.of()).config().tracing().enabled()).isFalse();
    Map<String, String> none = new java.util.HashMap<>(otel);
    none.put("OTEL_TRACES_EXPORTER", "none");
    assertThat(ConfigLoader.load(null, none, Map.of()).config().tracing().enabled()).isFalse();
  }

  @Test
  void everyScalarKeyHasAnEnvironmentName() {
    assertThat(ConfigLoader.environmentNames())
        .containsEntry("ARGUS_LOGGING_FORMAT", "logging.format")
        .containsEntry("ARGUS_MODELS_DEFAULT_MODEL", "models.default_model")
        .containsEntry("ARGUS_LIMITS_MAX_REQUEST_BYTES", "limits.max_request_bytes");
  }

  @Test
  void invalidValueFromEnvironmentNamesKeyValueAndVariable() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_SERVER_PORT", "70000"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.port: 70000")
        .hasMessageContaining("expected: 0..65535")
        .hasMessageContaining("ARGUS_SERVER_PORT");
  }

  @Test
  void tailSamplingIsOffAndItsThresholdFollowsTheLatencyObjective() {
    TailSamplingConfig defaults =
        ConfigLoader.load(null, Map.of(), Map.of()).config().tracing().tail();
    assertThat(defaults.enabled()).isFalse();
    assertThat(defaults.ratio()).isEqualTo(0.01);
    assertThat(defaults.latencyThreshold()).isEqualTo(java.time.Duration.ofMillis(300));
    assertThat(defaults.keepClientErrors()).isFalse();
    assertThat(defaults.maxBufferedSpans()).isEqualTo(20_000);

    TailSamplingConfig set =
        ConfigLoader.load(
                null,
                Map.of(
                    "ARGUS_TRACING_TAIL_ENABLED", "true",
                    "ARGUS_TRACING_TAIL_RATIO", "0.05",
                    "ARGUS_TRACING_TAIL_LATENCY_THRESHOLD", "50ms"),
                Map.of())
            .config()
            .tracing()
            .tail();
    assertThat(set.enabled()).isTrue();
    assertThat(set.ratio()).isEqualTo(0.05);
    assertThat(set.latencyThreshold()).isEqualTo(java.time.Duration.ofMillis(50));
  }

  @Test
  void aTailRatioOutsideZeroToOneNamesKeyValueAndVariable() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_TRACING_TAIL_RATIO", "1.5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracing.tail.ratio: 1.5")
        .hasMessageContaining("expected: 0..1")
        .hasMessageContaining("ARGUS_TRACING_TAIL_RATIO");
  }

  @Test
  void valueOfTheWrongTypeNamesKeyAndValue() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_SERVER_PORT", "eighty"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.port")
        .hasMessageContaining("eighty")
        .hasMessageContaining("ARGUS_SERVER_PORT");
  }

  @Test
  void badDurationSaysWhatADurationLooksLike() throws Exception {
    Path file = write("server:\n  shutdown_grace: soon\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("server.shutdown_grace")
        .hasMessageContaining("'soon' is not a duration")
        .hasMessageContaining(file.toString());
  }

  @Test
  void unknownKeyInFileIsNamedWithTheKnownOnes() throws Exception {
    Path file = write("server:\n  prot: 1\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown key 'server.prot'")
        .hasMessageContaining("port");
  }

  @Test
  void unknownEnvironmentVariableIsAWarning() {
    ConfigLoader.Loaded loaded =
        ConfigLoader.load(null, Map.of("ARGUS_SERVER_PROT", "1"), Map.of());

    assertThat(loaded.warnings()).singleElement().asString().contains("ARGUS_SERVER_PROT");
  }

  @Test
  void invalidLogLevelIsRefused() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ARGUS_LOGGING_LEVEL", "LOUD"), Map.of()))
        .hasMessageContaining("logging.level: LOUD");
  }

  @Test
  void sectionGivenAsScalarIsRefused() throws Exception {
    Path file = write("server: 8080\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("server")
        .hasMessageContaining("a mapping");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
        .hasMessageContaining("nope.yaml: file does not exist");
  }

  @Test
  void malformedYamlIsNamed() throws Exception {
    Path file = write("server: [unclosed\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void unknownFlagKeyIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.nope", "1")))
        .hasMessageContaining("server.nope");
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("argus.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void listKeysComeFromCommaSeparatedEnvironmentValues() {
    ArgusConfig config =
        ConfigLoader.load(
                null,
                java.util.Map.of(
                    "ARGUS_CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443"),
                java.util.Map.of())
            .config();

    assertThat(config.cors().allowedOrigins())
        .containsExactly("https://a.example", "https://b.example:8443");
    assertThat(config.cors().enabled()).isTrue();
    assertThat(config.cors().allowedHeaders()).contains("content-type", "traceparent");
  }

  @Test
  void hardeningKeysAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            ConfigLoader.load(
                null, java.util.Map.of("ARGUS_TLS_CERT_FILE", "cert.pem"), java.util.Map.of()))
        .hasMessageContaining("tls.key_file");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            ConfigLoader.load(
                null, java.util.Map.of("ARGUS_RATE_LIMIT_KEY", "cookie"), java.util.Map.of()))
        .hasMessageContaining("rate_limit.key");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            ConfigLoader.load(
                null,
                java.util.Map.of("ARGUS_CORS_ALLOWED_ORIGINS", "https://a.example/path"),
                java.util.Map.of()))
        .hasMessageContaining("cors.allowed_origins");
    ArgusConfig limited =
        ConfigLoader.load(
                null,
                java.util.Map.of("ARGUS_RATE_LIMIT_REQUESTS_PER_SECOND", "2.5"),
                java.util.Map.of())
            .config();
    assertThat(limited.rateLimit().effectiveBurst()).isEqualTo(3);
    assertThat(limited.rateLimit().header()).isEmpty();
  }
}
