package dev.argus.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.observe.JsonLineEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the process while open, readable as the JSON lines {@code logging.format:
 * json} would write (the same encoder).
 */
public final class LogCapture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final JsonLineEncoder encoder = new JsonLineEncoder();
  private final Logger root;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    encoder.setContext(context);
    encoder.start();
    events.start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(events);
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
        try {
          lines.add(JSON.readTree(encoder.encode(e)));
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }
    }
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(events);
  }
}
