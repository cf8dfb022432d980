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

  private static LoggingConfig config(
      String format, String level, String file, String console, int queueSize) {
    return new LoggingConfig(
        format, level, file, 1L << 20, 2, false, 1024, console, queueSize, "gzip");
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithTheLogContext() throws Exception {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(config("json", "INFO", "", "auto", 8192), false);

    MDC.put("request_id", "req-1");
    try {
      LoggerFactory.getLogger("test").info("hello {}", "world");
      LoggerFactory.getLogger("test").debug("not at INFO");
    } finally {
      MDC.remove("request_id");
    }
    LogSetup.drain(); // the background writer has written everything queued

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
    LogSetup.configure(config("json", "INFO", "", "auto", 0), false); // on the caller's thread

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
    LogSetup.configure(config("json", "INFO", file.toString(), "auto", 8192), false);

    LoggerFactory.getLogger("test").info("to the file");
    LoggerFactory.getLogger("test").warn("to both");
    LogSetup.drain();

    String[] lines = java.nio.file.Files.readString(file).strip().split("\n");
    assertThat(new ObjectMapper().readTree(lines[0]).path("message").asText())
        .isEqualTo("to the file");
    assertThat(lines).hasSize(2);
    // With a file, the console only gets warnings and errors: no line encoded and written twice.
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .doesNotContain("to the file")
        .contains("to both");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"gzip, .gz", "none, ''"})
  void aFullFileRollsIntoACompressedOrPlainFile(
      String compression, String suffix, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("argus.log");
    LogSetup.configure(
        new LoggingConfig(
            "text", "INFO", file.toString(), 1L << 20, 2, false, 1024, "off", 8192, compression),
        false);

    String filler = "x".repeat(1000);
    for (int i = 0; i < 1200; i++) { // 1.2 MB: past file_max_size (1 MiB), so the file rolls
      LoggerFactory.getLogger("test").info("line {} {}", i, filler);
    }
    LogSetup.drain();
    dev.argus.testing.TestLogging.restoreDefault(); // stops the appender: waits for compression

    String rolled =
        "argus.log." + java.time.LocalDate.now(java.time.ZoneId.systemDefault()) + ".0" + suffix;
    try (var files = java.nio.file.Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).contains(rolled, "argus.log");
    }
  }

  @Test
  void aRolledFileIsGzippedAtTheFastestLevelAndHoldsEveryLine(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("argus.log");
    LogSetup.configure(
        new LoggingConfig(
            "text", "INFO", file.toString(), 1L << 20, 2, false, 1024, "off", 8192, "gzip"),
        false);
    for (int i = 0; i < 1200; i++) {
      LoggerFactory.getLogger("test").info("line {} {}", i, "y".repeat(1000));
    }
    LogSetup.drain();
    dev.argus.testing.TestLogging.restoreDefault(); // stops the appender: waits for compression

    java.nio.file.Path rolled =
        dir.resolve(
            "argus.log." + java.time.LocalDate.now(java.time.ZoneId.systemDefault()) + ".0.gz");
    byte[] gz = java.nio.file.Files.readAllBytes(rolled);
    byte[] plain;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      plain = in.readAllBytes();
    }
    assertThat(new String(plain, StandardCharsets.UTF_8)).contains("line 0 ").contains("line 900 ");
    // Deflate is deterministic: the same bytes at level 1 give exactly this file, and level 6
    // (logback's own, zlib's default) a different one.
    assertThat(gz).isEqualTo(gzip(plain, java.util.zip.Deflater.BEST_SPEED));
    assertThat(gz).isNotEqualTo(gzip(plain, java.util.zip.Deflater.DEFAULT_COMPRESSION));
  }

  private static byte[] gzip(byte[] data, int level) throws java.io.IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out =
        new java.util.zip.GZIPOutputStream(bytes, 64 * 1024) {
          {
            def.setLevel(level);
          }
        }) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  @Test
  void consoleAllWritesEveryLineToTheConsoleAsWellAsTheFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("argus.log");
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(config("text", "INFO", file.toString(), "all", 8192), false);

    LoggerFactory.getLogger("test").info("everywhere");
    LogSetup.drain();

    assertThat(java.nio.file.Files.readString(file)).contains("everywhere");
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("everywhere");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger written =
        new java.util.concurrent.atomic.AtomicInteger();
    var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
    var stuck =
        new ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
            written.incrementAndGet();
            try {
              release.await(); // a console nobody reads, a full pipe, a disk that hangs
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
        };
    stuck.setContext(context);
    stuck.start();
    AsyncLog async = new AsyncLog(8);
    async.setContext(context);
    async.addAppender(stuck);
    async.start();
    long before = AsyncLog.dropped();
    var event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            "x", context.getLogger("test"), ch.qos.logback.classic.Level.INFO, "line", null, null);

    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 1000; i++) {
            async.doAppend(event);
          }
        });

    // The writer holds one batch (at most 256, stuck on its first), at most 8 wait in the queue;
    // the rest were dropped and counted.
    long dropped = AsyncLog.dropped() - before;
    assertThat(dropped).isGreaterThanOrEqualTo(1000 - 8 - 256);
    assertThat(async.queued()).isLessThanOrEqualTo(8);
    release.countDown();
    async.stop();
    // Nothing lost silently: every event was either written or counted as dropped.
    assertThat(written.get() + dropped).isEqualTo(1000);
  }

  @Test
  void textFormatCarriesTheRequestId() {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.configure(config("text", "DEBUG", "", "auto", 8192), false);

    MDC.put("request_id", "req-2");
    try {
      LoggerFactory.getLogger("test").debug("visible at DEBUG");
    } finally {
      MDC.remove("request_id"); // the event took the request id with it when it was queued
    }
    LogSetup.drain();

    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("[req-2] visible at DEBUG");
  }
}
