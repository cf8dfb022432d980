package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;

/**
 * The hand-written JSON lines carry what Logstash's encoder wrote for the same events, field for
 * field (less its undocumented {@code @version} and {@code level_value}), so the documented log
 * fields did not change when the encoder did.
 */
class JsonLineEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = new LoggerContext();

  private LoggingEvent event(Level level, String message, Throwable thrown, Object... arguments) {
    LoggingEvent event =
        new LoggingEvent(
            "dev.argus.SomeClass",
            context.getLogger("dev.argus.access"),
            level,
            message,
            thrown,
            arguments);
    event.setThreadName("argus-http-7");
    event.setMDCPropertyMap(
        Map.of("request_id", "req-\"1\"", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
    return event;
  }

  private JsonNode logstash(LoggingEvent event) throws Exception {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    ObjectNode line = (ObjectNode) JSON.readTree(encoder.encode(event));
    line.remove(List.of("@version", "level_value"));
    return line;
  }

  private static JsonNode ours(LoggingEvent event) throws Exception {
    byte[] line = new JsonLineEncoder(ZoneId.of("Europe/Berlin")).encode(event);
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).endsWith("}\n").doesNotContain("\n{"); // one line per event
    assertThat(text.strip()).doesNotContain("\n");
    return JSON.readTree(line);
  }

  private static LogField kv(String name, Object value) {
    return LogField.of(name, value);
  }

  /**
   * The fields of both, with the timestamps compared as instants (both are ISO-8601). Logstash's
   * encoder gets the same event with each {@link LogField} as its own {@code kv} argument.
   */
  private void assertSameFields(LoggingEvent event) throws Exception {
    Object[] arguments = event.getArgumentArray();
    LoggingEvent asLogstash =
        new LoggingEvent(
            "dev.argus.SomeClass",
            context.getLogger(event.getLoggerName()),
            event.getLevel(),
            event.getMessage(),
            null,
            arguments == null
                ? null
                : java.util.Arrays.stream(arguments)
                    .map(a ->
                        a instanceof LogField f ? StructuredArguments.kv(f.name(), f.value()) : a)
                    .toArray());
    asLogstash.setThreadName(event.getThreadName());
    asLogstash.setMDCPropertyMap(event.getMDCPropertyMap());
    asLogstash.setTimeStamp(event.getTimeStamp());
    ObjectNode expected = (ObjectNode) logstash(asLogstash);
    ObjectNode actual = (ObjectNode) ours(event);
    Instant expectedAt = OffsetDateTime.parse(expected.remove("@timestamp").asText()).toInstant();
    Instant actualAt = OffsetDateTime.parse(actual.remove("@timestamp").asText()).toInstant();
    assertThat(actualAt).isEqualTo(Instant.ofEpochMilli(event.getTimeStamp()));
    assertThat(expectedAt.toEpochMilli()).isEqualTo(event.getTimeStamp());
    assertThat(actual).isEqualTo(expected);
    // The text a message's {} shows for a field is what kv showed.
    assertThat(asLogstash.getFormattedMessage()).isEqualTo(event.getFormattedMessage());
  }

  @Test
  void aCanonicalLineHasTheSameFieldsAsLogstashsEncoderWrote() throws Exception {
    assertSameFields(
        event(
            Level.INFO,
            "request_completed",
            null,
            kv("protocol", "http"),
            kv("status", 200),
            kv("duration_ms", 0.125),
            kv("bytes_in", 4096L),
            kv("queue_ms", 0.0),
            kv("small_ms", 1.0e-5),
            kv("confidence", 0.731f),
            kv("input_shape", "[1, 3, 224, 224]"),
            kv("prediction", "food")));
  }

  @Test
  void aTextMessageShowsEachFieldAsNameEqualsValue() throws Exception {
    assertSameFields(
        event(
            Level.INFO,
            "request_completed {} {}",
            null,
            kv("route", "/predict"),
            kv("status", 200)));
    assertThat(ours(event(Level.INFO, "done {}", null, kv("status", 200))).path("message").asText())
        .isEqualTo("done status=200");
  }

  @Test
  void textIsEscapedAsJsonAndNonAsciiKept() throws Exception {
    assertSameFields(
        event(
            Level.WARN,
            "a \"quoted\" back\\slash, tab\t, newline\n, bell\u0007 and ü, 東京",
            null,
            kv("error", "line one\r\nline two")));
  }

  @Test
  void aFailureCarriesItsStackTrace() throws Exception {
    IllegalStateException thrown =
        new IllegalStateException("worker died", new RuntimeException("cause"));
    JsonNode line = ours(event(Level.ERROR, "request_failed", thrown, kv("error_type", "x")));
    assertThat(line.path("stack_trace").asText())
        .contains("java.lang.IllegalStateException: worker died")
        .contains("Caused by: java.lang.RuntimeException: cause")
        .contains("at dev.argus.observe.JsonLineEncoderTest");
    assertThat(line.path("level").asText()).isEqualTo("ERROR");
  }

  @Test
  void numbersJsonCannotHoldAreWrittenAsText() throws Exception {
    JsonNode line =
        ours(
            event(
                Level.INFO,
                "m",
                null,
                kv("nan", Double.NaN),
                kv("inf", Float.POSITIVE_INFINITY),
                kv("none", null),
                kv("flag", true),
                kv("list", List.of(1, 2))));
    assertThat(line.path("nan").asText()).isEqualTo("NaN");
    assertThat(line.path("inf").asText()).isEqualTo("Infinity");
    assertThat(line.path("none").isNull()).isTrue();
    assertThat(line.path("flag").asBoolean()).isTrue();
    assertThat(line.path("list").toString()).isEqualTo("[1,2]");
  }

  @Test
  void plainArgumentsGoIntoTheMessageOnly() throws Exception {
    assertSameFields(event(Level.INFO, "loaded {} in {} ms", null, "image-triage", 12));
    assertThat(ours(event(Level.INFO, "loaded {}", null, "m")).path("message").asText())
        .isEqualTo("loaded m");
  }

  @Test
  void theTimestampHasMillisecondsAndTheZonesOffset() throws Exception {
    LoggingEvent event = event(Level.INFO, "m", null);
    event.setTimeStamp(Instant.parse("2026-07-01T10:00:00.007Z").toEpochMilli());
    assertThat(ours(event).path("@timestamp").asText()).isEqualTo("2026-07-01T12:00:00.007+02:00");
    event.setTimeStamp(Instant.parse("2026-12-01T10:00:59.120Z").toEpochMilli());
    assertThat(ours(event).path("@timestamp").asText()).isEqualTo("2026-12-01T11:00:59.120+01:00");
    byte[] utc = new JsonLineEncoder(ZoneId.of("UTC")).encode(event);
    assertThat(JSON.readTree(utc).path("@timestamp").asText())
        .isEqualTo("2026-12-01T10:00:59.120Z");
  }
}
