package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.BundledServerTest;
import dev.argus.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real server. */
class MainIT extends BundledServerTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void predictPrintsTheTopLabels() {
    Path photo = TestModels.labelledPhotos().get(0);

    int code = run("predict", photo.toString(), "--url", url(), "--top-k", "2");

    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines[0]).startsWith("model image-triage version 1");
    assertThat(lines[1]).startsWith(TestModels.expectedClass(photo));
    assertThat(lines).hasSize(3);
  }

  @Test
  void predictReportsServerErrorsWithTheRequestId() {
    Path photo = TestModels.labelledPhotos().get(0);

    int code = run("predict", photo.toString(), "--url", url(), "--model", "nope");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 404", "unknown_model", "request id");
  }

  @Test
  void predictRefusesAMissingFile() {
    assertThat(run("predict", "/no/such/file.jpg", "--url", url())).isEqualTo(2);
    assertThat(err.toString()).contains("is not a file");
  }

  @Test
  void predictSaysWhenTheServerIsUnreachable() {
    Path photo = TestModels.labelledPhotos().get(0);

    assertThat(run("predict", photo.toString(), "--url", "http://127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot reach");
  }

  @Test
  void serveRefusesInvalidConfigurationWithTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("argus.yaml");
    Files.writeString(config, "server:\n  port: -5\n");
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      assertThat(run("serve", "--config", config.toString())).isEqualTo(2);
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString()).contains("invalid configuration", "server.port: -5");
  }

  @Test
  void serveRefusesAMissingRepository(@TempDir Path dir) {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      assertThat(
              run("serve", "--model-repository", dir.resolve("missing").toString(), "--port", "0"))
          .isEqualTo(2);
    } finally {
      System.setErr(original);
      dev.argus.testing.TestLogging.restoreDefault();
    }
    assertThat(captured.toString()).contains("models.repository");
  }

  @Test
  void helpAndVersionWork() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("serve", "predict");
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("argus ");
  }

  private static String url() {
    return "http://127.0.0.1:" + server.server().port();
  }

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
