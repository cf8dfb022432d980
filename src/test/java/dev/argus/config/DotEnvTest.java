package dev.argus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {
  @TempDir Path dir;

  @Test
  void readsCommentsExportsQuotesAndInlineComments() throws Exception {
    Files.writeString(
        dir.resolve(".env"),
        """
        # settings for my laptop

        ARGUS_SERVER_PORT=9090
        export ARGUS_LOGGING_FORMAT = json
        ARGUS_TRACING_SERVICE_NAME="argus dev \\"one\\""
        ARGUS_SLO_ENVIRONMENT='a #literal $x'
        ARGUS_METRICS_PREFIX=argus   # trailing comment
        EMPTY=
        ARGUS_SERVER_PORT=9191
        """);

    Map<String, String> vars = DotEnv.read(dir.resolve(".env"));

    assertThat(vars)
        .containsEntry("ARGUS_SERVER_PORT", "9191")
        .containsEntry("ARGUS_LOGGING_FORMAT", "json")
        .containsEntry("ARGUS_TRACING_SERVICE_NAME", "argus dev \"one\"")
        .containsEntry("ARGUS_SLO_ENVIRONMENT", "a #literal $x")
        .containsEntry("ARGUS_METRICS_PREFIX", "argus")
        .containsEntry("EMPTY", "");
  }

  @Test
  void theProcessEnvironmentWinsOverTheFile() throws Exception {
    Files.writeString(dir.resolve(".env"), "ARGUS_SERVER_PORT=9090\nARGUS_LOGGING_LEVEL=debug\n");

    DotEnv.Environment env = DotEnv.load(Map.of("ARGUS_SERVER_PORT", "7070"), dir);

    assertThat(env.variables())
        .containsEntry("ARGUS_SERVER_PORT", "7070")
        .containsEntry("ARGUS_LOGGING_LEVEL", "debug");
    assertThat(env.fromFile()).hasSize(2);
  }

  @Test
  void noFileMeansTheProcessEnvironmentAlone() {
    DotEnv.Environment env = DotEnv.load(Map.of("A", "1"), dir);

    assertThat(env.variables()).isEqualTo(Map.of("A", "1"));
    assertThat(env.fromFile()).isEmpty();
  }

  @Test
  void argusEnvFileNamesAnotherFileAndAMissingOneIsAnError() throws Exception {
    Files.writeString(dir.resolve("prod.env"), "ARGUS_SERVER_PORT=1234\n");

    assertThat(DotEnv.load(Map.of("ARGUS_ENV_FILE", "prod.env"), dir).variables())
        .containsEntry("ARGUS_SERVER_PORT", "1234");
    assertThatThrownBy(() -> DotEnv.load(Map.of("ARGUS_ENV_FILE", "nope.env"), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ARGUS_ENV_FILE: nope.env");
  }

  @Test
  void aMalformedLineIsNamedWithItsNumber() throws Exception {
    Files.writeString(dir.resolve(".env"), "ARGUS_SERVER_PORT=1\nthis is not a setting\n");
    Files.writeString(dir.resolve("q.env"), "A=\"open\n");

    assertThatThrownBy(() -> DotEnv.read(dir.resolve(".env")))
        .hasMessageEndingWith(".env:2: this is not a setting (expected: NAME=value)");
    assertThatThrownBy(() -> DotEnv.read(dir.resolve("q.env")))
        .hasMessageContaining("q.env:1: unterminated double quote");
  }

  @Test
  void otelVariablesFromTheFileBecomeSystemPropertyNamesAndLauncherOnesAreWarned()
      throws Exception {
    Files.writeString(
        dir.resolve(".env"),
        "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318\n"
            + "OTEL_SERVICE_NAME=from-file\n"
            + "ARGUS_JAVA_OPTS=-Xmx1g\n");

    DotEnv.Environment env = DotEnv.load(Map.of("OTEL_SERVICE_NAME", "from-env"), dir);

    assertThat(DotEnv.otelProperties(env))
        .isEqualTo(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318"));
    assertThat(DotEnv.warnings(env)).singleElement().asString().contains("ARGUS_JAVA_OPTS");
  }
}
