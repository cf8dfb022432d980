package dev.argus.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JSON object per line with the Logstash layout's fields (docs/observability.md): the time as
 * {@code "@timestamp"}, {@code message}, {@code logger_name}, {@code thread_name}, {@code level},
 * then the MDC (request id, trace context, model), {@code stack_trace} when there is an exception,
 * and the canonical line's fields, which {@link LineFields} encoded already, as fields of their own
 * (as are the {@link LogField} arguments of any other line). Written by hand into one reused
 * buffer, which makes a canonical line (built, encoded, written) 1.65 µs instead of 1.98 µs through
 * logstash-logback-encoder's field providers over a Jackson generator (JMH, docs/performance.md),
 * and drops that library from the server. Thread-safe: logback calls it outside its appender lock.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NOTHING = new byte[0];
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  /** For argument values that are neither text, numbers nor booleans (none in Argus today). */
  private static final ObjectMapper OTHER_VALUES = new ObjectMapper();

  /**
   * Each writing thread's line buffer, reused (the async writer is one thread; with {@code
   * logging.queue_size: 0} the request threads write, each with its own).
   */
  private static final ThreadLocal<StringBuilder> BUFFER =
      ThreadLocal.withInitial(() -> new StringBuilder(1024));

  private static final int MAX_KEPT = 16 * 1024;

  private final ZoneId zone;

  /** The formatted second and zone offset of the last line, reused while the second is the same. */
  private volatile Second second = new Second(Long.MIN_VALUE, "");

  private record Second(long epochSecond, String text) {}

  public JsonLineEncoder() {
    this(ZoneId.systemDefault());
  }

  JsonLineEncoder(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder out = BUFFER.get();
    if (out.capacity() > MAX_KEPT) {
      out = new StringBuilder(1024); // a huge line (a stack trace) does not stay held
      BUFFER.set(out);
    }
    out.setLength(0);
    out.append("{\"@timestamp\":\"");
    timestamp(out, event.getTimeStamp());
    out.append("\",\"message\":");
    string(out, event.getFormattedMessage());
    out.append(",\"logger_name\":");
    string(out, event.getLoggerName());
    out.append(",\"thread_name\":");
    string(out, event.getThreadName());
    out.append(",\"level\":\"").append(event.getLevel().levelStr).append('"');
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        field(out, e.getKey());
        string(out, e.getValue());
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(out, "stack_trace");
      string(out, ThrowableProxyUtil.asString(thrown));
    }
    Object[] arguments = event.getArgumentArray();
    if (arguments != null) {
      for (Object argument : arguments) {
        if (argument instanceof LineFields.Members m) {
          out.append(m.json());
        } else if (argument instanceof LogField f) {
          field(out, f.name());
          value(out, f.value());
        }
      }
    }
    out.append("}\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** ISO-8601 in the server's zone with milliseconds: {@code 2026-12-03T05:31:24.107Z}. */
  private void timestamp(StringBuilder out, long millis) {
    long epochSecond = Math.floorDiv(millis, 1000);
    Second s = second;
    if (s.epochSecond != epochSecond) {
      s = new Second(epochSecond, formatSecond(epochSecond));
      second = s;
    }
    int ms = (int) Math.floorMod(millis, 1000);
    String text = s.text;
    int zoneAt = 19; // after yyyy-MM-ddTHH:mm:ss
    out.append(text, 0, zoneAt).append('.');
    if (ms < 100) {
      out.append('0');
    }
    if (ms < 10) {
      out.append('0');
    }
    out.append(ms).append(text, zoneAt, text.length());
  }

  private String formatSecond(long epochSecond) {
    Instant instant = Instant.ofEpochSecond(epochSecond);
    ZoneOffset offset = zone.getRules().getOffset(instant);
    String local = SECOND.format(LocalDateTime.ofEpochSecond(epochSecond, 0, offset));
    return local + offset.getId();
  }

  /** {@code ,"name":} for each field name seen (a few dozen), escaped once. */
  private static final ConcurrentHashMap<String, String> FIELD_PREFIXES = new ConcurrentHashMap<>();

  static void field(StringBuilder out, String name) {
    String prefix = FIELD_PREFIXES.get(name);
    if (prefix == null) {
      StringBuilder p = new StringBuilder(name.length() + 4).append(',');
      string(p, name);
      prefix = p.append(':').toString();
      if (FIELD_PREFIXES.size() < 1024) { // MDC keys are the code's, but bound it all the same
        FIELD_PREFIXES.put(name, prefix);
      }
    }
    out.append(prefix);
  }

  private static void value(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case CharSequence text -> string(out, text.toString());
      case Integer i -> out.append(i.intValue());
      case Long l -> out.append(l.longValue());
      case Short s -> out.append(s.shortValue());
      case Byte b -> out.append(b.byteValue());
      case Boolean b -> out.append(b.booleanValue());
      case Double d -> number(out, d);
      case Float f -> {
        if (Float.isFinite(f)) {
          out.append(f.floatValue());
        } else {
          out.append('"').append(f.floatValue()).append('"');
        }
      }
      default -> {
        try {
          out.append(OTHER_VALUES.writeValueAsString(value));
        } catch (JsonProcessingException e) {
          string(out, String.valueOf(value));
        }
      }
    }
  }

  /** A double as JSON reads it; NaN and the infinities, which JSON has no number for, as text. */
  static void number(StringBuilder out, double d) {
    if (Double.isFinite(d)) {
      out.append(d);
    } else {
      out.append('"').append(d).append('"');
    }
  }

  /** {@code text} as a JSON string: quotes, backslashes and control characters escaped. */
  static void string(StringBuilder out, String text) {
    if (text == null) {
      out.append("null");
      return;
    }
    out.append('"');
    int from = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(text, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    out.append(text, from, n).append('"');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
}
