package dev.argus.bench.jmh;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.argus.observe.CanonicalLine;
import dev.argus.observe.JsonLineEncoder;
import dev.argus.observe.PhaseTimings;
import dev.argus.observe.RequestRecord;
import io.opentelemetry.api.trace.Span;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the canonical line of one successful tensor request costs, built, encoded and written (to a
 * null stream, so the figure is the CPU of logging, not of a disk): text as {@code logging.format:
 * text} writes it, JSON as {@code json} does, with the log context a request has (request, trace
 * and span ids, model, version). (Until the fields were encoded once by {@code CanonicalLine}, a
 * {@code json_logstash} case priced the same line through logstash-logback-encoder's {@code
 * LogstashEncoder}; that encoder cannot read the pre-encoded fields, so the case is gone.)
 * The background writer moves this work off the request's thread; this is its price in CPU all the
 * same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CanonicalLineBenchmark {
  @Param({"text", "json"})
  public String format;

  private RequestRecord record;
  private LoggerContext context;

  @Setup
  public void start() {
    context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format.equals("json")) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(context);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(
          "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} [%X{request_id:-}] %msg%n");
      text.start();
      encoder = text;
    }
    OutputStreamAppender<ILoggingEvent> sink = new OutputStreamAppender<>();
    sink.setContext(context);
    sink.setEncoder(encoder);
    sink.setOutputStream(OutputStream.nullOutputStream());
    sink.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.INFO);
    root.addAppender(sink);
    CanonicalLine.fieldsInMessage(format.equals("text"));
    record = RequestRecord.start("bench-1", "http", System.nanoTime(), Span.getInvalid());
    record.method("POST");
    record.route("/v2/models/{model}/infer");
    record.status(200);
    record.bytesIn(4240);
    record.bytesOut(236);
    record.clientAddress("127.0.0.1");
    record.model("mlp", "1");
    record.outcome("success", new PhaseTimings(0, 12_000, 3_000, 40_000, 30_000, 5_000));
    record.result(1, "[1, 1024]", "[1, 10]");
    MDC.put("request_id", "bench-1");
    MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    MDC.put("span_id", "00f067aa0ba902b7");
    MDC.put("trace_flags", "01");
    MDC.put("model", "mlp");
    MDC.put("model_version", "1");
  }

  @TearDown
  public void stop() {
    MDC.clear();
    CanonicalLine.fieldsInMessage(true);
    context.reset();
  }

  @Benchmark
  public void oneLine() {
    CanonicalLine.write(record, 91_000);
  }
}
