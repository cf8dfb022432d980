package dev.argus.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one line per request, from the logger {@code dev.argus.access}: {@code request_completed}, or
 * {@code request_failed} with the error type and message (a stack trace only for a server failure).
 * Its fields are the request's {@link RequestRecord}, whatever the protocol.
 */
public final class CanonicalLine {
  private static final Logger log = LoggerFactory.getLogger("dev.argus.access");

  /** Refusals (overload, rate limits) logged per second at most; the rest are counted. */
  static final int REFUSALS_PER_SECOND = 20;

  private static final Throttle refusals = new Throttle(REFUSALS_PER_SECOND);

  private static volatile boolean fieldsInMessage = true;

  private CanonicalLine() {}

  /**
   * Whether the message carries the fields as {@code key=value} text: needed by text logs, whose
   * pattern shows only the message; JSON logs have every field as a JSON field already, so their
   * message is just {@code request_completed} and the fields are written once, as JSON.
   */
  public static void fieldsInMessage(boolean on) {
    fieldsInMessage = on;
  }

  /** Whether the fields are in the message as text ({@link #fieldsInMessage(boolean)}). */
  public static boolean fieldsInMessage() {
    return fieldsInMessage;
  }

  /**
   * Writes the line of a request that took {@code nanos}. Its fields are encoded here, once, into
   * one buffer (text or JSON, {@link LineFields}); the log writer only adds the timestamp, level
   * and log context.
   */
  public static void write(RequestRecord r, long nanos) {
    boolean failed = r.errorType().isPresent();
    if (!log.isInfoEnabled() && !(failed && r.serverFault())) {
      return;
    }
    long suppressed = 0;
    if (failed && isRefusal(r.errorType().get())) {
      // Under overload every refused request would write a line: the log would become the load.
      suppressed = refusals.admit(System.nanoTime());
      if (suppressed < 0) {
        return;
      }
    }
    boolean text = fieldsInMessage;
    String message = failed ? "request_failed" : "request_completed";
    LineFields fields =
        new LineFields(message, !text)
            .add("protocol", r.protocol())
            .add("method", r.method())
            .add("route", r.route())
            .add("status", r.status())
            .add("duration_ms", nanos / 1_000_000.0)
            .add("bytes_in", Math.max(0, r.bytesIn()))
            .add("bytes_out", r.bytesOut())
            .add("client_address", r.clientAddress());
    r.requestPayload().ifPresent(p -> fields.add("request_payload", p));
    r.responsePayload().ifPresent(p -> fields.add("response_payload", p));
    r.outcome()
        .ifPresent(outcome -> {
          fields.add("outcome", outcome);
          r.timings()
              .ifPresent(t -> {
                for (Phase phase : Phase.values()) {
                  fields.add(phase.fieldName(), t.nanos(phase) / 1e6);
                }
              });
          if (r.batchSize() > 0) {
            fields
                .add("batch_size", r.batchSize())
                .add("input_shape", r.inputShape())
                .add("output_shape", r.outputShape());
          }
          r.prediction()
              .ifPresent(p -> fields.add("prediction", p).add("confidence", r.confidence()));
        });
    if (failed) {
      fields.add("error_type", r.errorType().get()).add("error", r.errorMessage());
      if (suppressed > 0) {
        fields.add("similar_suppressed", suppressed);
      }
    }
    // An error line for failures nobody expected, with the stack trace when there is one.
    boolean error = failed && r.serverFault();
    Throwable trace = error ? r.error().orElse(null) : null;
    if (text) {
      // The line is the message itself, with no arguments: logback then neither formats nor
      // copies it.
      String line = fields.text();
      if (trace != null) {
        log.error(line, trace);
      } else if (error) {
        log.error(line);
      } else {
        log.info(line);
      }
    } else if (trace != null) {
      log.error(message, fields.members(), trace);
    } else if (error) {
      log.error(message, fields.members());
    } else {
      log.info(message, fields.members());
    }
  }

  private static boolean isRefusal(String errorType) {
    return errorType.equals("queue_full")
        || errorType.equals("rate_limited")
        || errorType.equals("shutting_down");
  }

  /**
   * At most {@code perSecond} admitted events a second; {@link #admit} says how many were refused
   * since the last admitted one (0 or more), or -1 when this one is refused too.
   */
  static final class Throttle {
    private final int perSecond;
    private long second;
    private int admitted;
    private long suppressed;

    Throttle(int perSecond) {
      this.perSecond = perSecond;
    }

    synchronized long admit(long nanos) {
      long now = nanos / 1_000_000_000L;
      if (now != second) {
        second = now;
        admitted = 0;
      }
      if (admitted >= perSecond) {
        suppressed++;
        return -1;
      }
      admitted++;
      long before = suppressed;
      suppressed = 0;
      return before;
    }
  }
}
