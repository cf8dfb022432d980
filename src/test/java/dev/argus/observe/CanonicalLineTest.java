package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canonical line's fields, encoded once: as {@code name=value} text after the message for text
 * logs, as JSON fields of their own for JSON logs; a stack trace only for a server fault. Refusal
 * lines are throttled per second, and the next one says how many were left out.
 */
class CanonicalLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Logger access = (Logger) LoggerFactory.getLogger("dev.argus.access");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level level;

  @BeforeEach
  void listen() {
    level = access.getLevel();
    access.setLevel(Level.INFO);
    lines.start();
    access.addAppender(lines);
  }

  @AfterEach
  void restore() {
    access.detachAppender(lines);
    access.setLevel(level);
    CanonicalLine.fieldsInMessage(true);
  }

  private static RequestRecord completed() {
    RequestRecord r = RequestRecord.start("req-1", "oip", 0, Span.getInvalid());
    r.method("POST");
    r.route("/v2/models/{model}/infer");
    r.status(200);
    r.bytesIn(4096);
    r.bytesOut(120);
    r.clientAddress("127.0.0.1");
    r.outcome("success", new PhaseTimings(0, 1_000_000, 2_000_000, 500_000, 3_000_000, 250_000));
    r.result(1, "[1,1024]", "[1,10]");
    r.prediction("cat \"tabby\"", 0.875);
    return r;
  }

  private static RequestRecord failed(boolean serverFault) {
    RequestRecord r = RequestRecord.start("req-2", "rest", 0, Span.getInvalid());
    r.method("POST");
    r.route("/predict");
    r.status(serverFault ? 500 : 400);
    r.bytesIn(-1);
    r.clientAddress("10.0.0.9");
    r.failure(
        serverFault ? "internal" : "invalid_input",
        "pixels {} over the cap",
        new IllegalStateException("boom"),
        serverFault);
    return r;
  }

  @Test
  void textLineIsTheMessageAndItsFieldsAsNameValuePairs() {
    CanonicalLine.write(completed(), 7_250_000);

    ILoggingEvent line = lines.list.getFirst();
    assertThat(line.getLevel()).isEqualTo(Level.INFO);
    assertThat(line.getFormattedMessage())
        .isEqualTo(
            "request_completed protocol=oip method=POST route=/v2/models/{model}/infer status=200"
                + " duration_ms=7.25 bytes_in=4096 bytes_out=120 client_address=127.0.0.1"
                + " outcome=success decode_ms=1.0 preprocess_ms=2.0 queue_ms=0.5 compute_ms=3.0"
                + " postprocess_ms=0.25 batch_size=1 input_shape=[1,1024] output_shape=[1,10]"
                + " prediction=cat \"tabby\" confidence=0.875");
    assertThat(line.getThrowableProxy()).isNull();
  }

  @Test
  void jsonLineHasEveryFieldOnceAsAJsonFieldOfItsOwn() throws Exception {
    CanonicalLine.fieldsInMessage(false);
    CanonicalLine.write(completed(), 7_250_000);

    ILoggingEvent event = lines.list.getFirst();
    assertThat(event.getFormattedMessage()).isEqualTo("request_completed");
    String text = new String(new JsonLineEncoder(ZoneId.of("UTC")).encode(event));
    JsonNode line = JSON.readTree(text);
    assertThat(line.get("message").asText()).isEqualTo("request_completed");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("status").isNumber()).isTrue();
    assertThat(line.get("duration_ms").asDouble()).isEqualTo(7.25);
    assertThat(line.get("route").asText()).isEqualTo("/v2/models/{model}/infer");
    assertThat(line.get("compute_ms").asDouble()).isEqualTo(3.0);
    assertThat(line.get("input_shape").asText()).isEqualTo("[1,1024]");
    assertThat(line.get("prediction").asText()).isEqualTo("cat \"tabby\"");
    assertThat(line.get("confidence").asDouble()).isEqualTo(0.875);
    assertThat(text.split("\"status\"", -1)).as("each field once").hasSize(2);
  }

  @Test
  void clientFailureIsAnInfoLineWithoutStackTrace() {
    CanonicalLine.write(failed(false), 1_000_000);

    ILoggingEvent line = lines.list.getFirst();
    assertThat(line.getLevel()).isEqualTo(Level.INFO);
    assertThat(line.getFormattedMessage())
        .startsWith("request_failed protocol=rest method=POST route=/predict status=400")
        .contains(" bytes_in=0 ")
        .endsWith(" error_type=invalid_input error=pixels {} over the cap");
    assertThat(line.getThrowableProxy()).isNull();
  }

  @Test
  void serverFaultIsAnErrorLineWithItsStackTraceInBothFormats() throws Exception {
    CanonicalLine.write(failed(true), 1_000_000);
    CanonicalLine.fieldsInMessage(false);
    CanonicalLine.write(failed(true), 1_000_000);

    ILoggingEvent text = lines.list.get(0);
    assertThat(text.getLevel()).isEqualTo(Level.ERROR);
    assertThat(text.getFormattedMessage())
        .endsWith("error_type=internal error=pixels {} over the cap");
    assertThat(text.getThrowableProxy().getMessage()).isEqualTo("boom");

    ILoggingEvent json = lines.list.get(1);
    assertThat(json.getLevel()).isEqualTo(Level.ERROR);
    JsonNode line = JSON.readTree(new JsonLineEncoder(ZoneId.of("UTC")).encode(json));
    assertThat(line.get("error_type").asText()).isEqualTo("internal");
    assertThat(line.get("error").asText()).isEqualTo("pixels {} over the cap");
    assertThat(line.get("stack_trace").asText()).contains("IllegalStateException: boom");
  }

  @Test
  void refusalsPastTheLimitAreCountedAndReportedByTheNextAdmittedOne() {
    CanonicalLine.Throttle throttle = new CanonicalLine.Throttle(3);
    long second = 7_000_000_000L;

    assertThat(throttle.admit(second)).isZero();
    assertThat(throttle.admit(second + 1)).isZero();
    assertThat(throttle.admit(second + 2)).isZero();
    assertThat(throttle.admit(second + 3)).isEqualTo(-1);
    assertThat(throttle.admit(second + 4)).isEqualTo(-1);

    assertThat(throttle.admit(second + 1_000_000_000L)).as("next second").isEqualTo(2);
    assertThat(throttle.admit(second + 1_000_000_001L)).isZero();
  }
}
