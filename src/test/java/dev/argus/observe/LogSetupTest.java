package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
  private final PrintStream originalOut = System.out;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    dev.argus.testing.TestLogging.restoreDefault();
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithTheLogContext() throws Exception {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(new LoggingConfig("json", "INFO", "", 100L << 20, 7, false, 1024), false);

    MDC.put("request_id", "req-1");
    try {
      LoggerFactory.getLogger("test").info("hello {}", "world");
      LoggerFactory.getLogger("test").debug("not at INFO");
    } finally {
      MDC.remove("request_id");
    }

    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertThat(line.path("message").asText()).isEqualTo("hello world");
    assertThat(line.path("request_id").asText()).isEqualTo("req-1");
    assertThat(line.path("level").asText()).isEqualTo("INFO");
  }

  @Test
  void javaUtilLoggingOfTheOpenTelemetrySdkComesOutAsJsonLines() throws Exception {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(new LoggingConfig("json", "INFO", "", 100L << 20, 7, false, 1024), false);

    java.util.logging.Logger.getLogger("io.opentelemetry.sdk.trace.export.BatchSpanProcessor")
        .warning("BatchSpanProcessor dropped 3 span(s)");
    java.util.logging.Logger.getLogger("io.opentelemetry.sdk").fine("below INFO: dropped");

    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertThat(line.path("message").asText()).isEqualTo("BatchSpanProcessor dropped 3 span(s)");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger_name").asText()).startsWith("io.opentelemetry.sdk");
  }

  @Test
  void logFileReceivesTheSameJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("argus.log");
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(
        new LoggingConfig("json", "INFO", file.toString(), 1L << 20, 2, false, 1024), false);

    LoggerFactory.getLogger("test").info("to the file too");

    String line = java.nio.file.Files.readString(file).strip();
    assertThat(new ObjectMapper().readTree(line).path("message").asText())
        .isEqualTo("to the file too");
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("to the file too");
  }

  @Test
  void textFormatCarriesTheRequestId() {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(new LoggingConfig("text", "DEBUG", "", 100L << 20, 7, false, 1024), false);

    MDC.put("request_id", "req-2");
    try {
      LoggerFactory.getLogger("test").debug("visible at DEBUG");
    } finally {
      MDC.remove("request_id");
    }

    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("[req-2] visible at DEBUG");
  }
}
