package dev.argus.observe;

import java.util.ArrayList;
import java.util.List;
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

  // "request_completed {} {} ...": one placeholder per field, built once per field count.
  private static final String[] COMPLETED = formats("request_completed");
  private static final String[] FAILED = formats("request_failed");

  private static volatile boolean fieldsInMessage = true;

  private CanonicalLine() {}

  /**
   * Whether the message repeats the fields as {@code key=value} text: needed by text logs, whose
   * pattern shows only the message; JSON logs have every field as a JSON field already, so their
   * message is just {@code request_completed} and is neither formatted nor written twice.
   */
  public static void fieldsInMessage(boolean on) {
    fieldsInMessage = on;
  }

  private static String[] formats(String message) {
    String[] formats = new String[40];
    for (int i = 0; i < formats.length; i++) {
      formats[i] = message + " {}".repeat(i);
    }
    return formats;
  }

  /** {@code formats[0]} is the bare message, {@code formats[n]} it with n placeholders. */
  private static String format(String[] formats, int fields) {
    if (!fieldsInMessage) {
      return formats[0];
    }
    return fields < formats.length ? formats[fields] : formats[0] + " {}".repeat(fields);
  }

  /** Writes the line of a request that took {@code nanos}. */
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
    List<Object> fields = new ArrayList<>(28);
    fields.add(LogField.of("protocol", r.protocol()));
    fields.add(LogField.of("method", r.method()));
    fields.add(LogField.of("route", r.route()));
    fields.add(LogField.of("status", r.status()));
    fields.add(LogField.of("duration_ms", nanos / 1_000_000.0));
    fields.add(LogField.of("bytes_in", Math.max(0, r.bytesIn())));
    fields.add(LogField.of("bytes_out", r.bytesOut()));
    fields.add(LogField.of("client_address", r.clientAddress()));
    r.requestPayload().ifPresent(p -> fields.add(LogField.of("request_payload", p)));
    r.responsePayload().ifPresent(p -> fields.add(LogField.of("response_payload", p)));
    r.outcome()
        .ifPresent(outcome -> {
          fields.add(LogField.of("outcome", outcome));
          r.timings()
              .ifPresent(t -> {
                for (Phase phase : Phase.values()) {
                  fields.add(LogField.of(phase.label() + "_ms", t.nanos(phase) / 1e6));
                }
              });
          if (r.batchSize() > 0) {
            fields.add(LogField.of("batch_size", r.batchSize()));
            fields.add(LogField.of("input_shape", r.inputShape()));
            fields.add(LogField.of("output_shape", r.outputShape()));
          }
          r.prediction()
              .ifPresent(p -> {
                fields.add(LogField.of("prediction", p));
                fields.add(LogField.of("confidence", r.confidence()));
              });
        });
    if (!failed) {
      log.info(format(COMPLETED, fields.size()), fields.toArray());
      return;
    }
    fields.add(LogField.of("error_type", r.errorType().get()));
    fields.add(LogField.of("error", r.errorMessage()));
    if (suppressed > 0) {
      fields.add(LogField.of("similar_suppressed", suppressed));
    }
    String format = format(FAILED, fields.size());
    if (r.serverFault()) {
      // A trailing Throwable is logged as a stack trace: only for failures nobody expected.
      r.error().ifPresent(fields::add);
      log.error(format, fields.toArray());
    } else {
      log.info(format, fields.toArray());
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
