package dev.argus.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.observe.CanonicalLine;
import dev.argus.observe.JsonLineEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the process while open, readable as the JSON lines {@code logging.format:
 * json} would write (the same encoder). While it is open the canonical line is made as for JSON
 * logs (its fields as JSON fields, the message bare), which is what the JSON view needs.
 */
public final class LogCapture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final JsonLineEncoder encoder = new JsonLineEncoder();
  private final Logger root;
  private final boolean textLines = CanonicalLine.fieldsInMessage();

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    encoder.setContext(context);
    encoder.start();
    events.start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(events);
    CanonicalLine.fieldsInMessage(false);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The events so far. */
  public List<ILoggingEvent> events() {
    synchronized (events) {
      return List.copyOf(events.list);
    }
  }

  /** The JSON lines of the events whose log context has this request id. */
  public List<JsonNode> linesOf(String requestId) {
    List<JsonNode> lines = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      if (requestId.equals(e.getMDCPropertyMap().get("request_id"))) {
        lines.add(json(e));
      }
    }
    return lines;
  }

  /** The JSON lines of every event so far. */
  public List<JsonNode> lines() {
    return events().stream().map(this::json).toList();
  }

  private JsonNode json(ILoggingEvent e) {
    try {
      return JSON.readTree(encoder.encode(e));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Override
  public void close() {
    root.detachAppender(events);
    CanonicalLine.fieldsInMessage(textLines);
  }
}
