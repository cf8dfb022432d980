package dev.argus.observe;

/**
 * The fields of a log line, encoded once by the thread that makes the line: as {@code name=value}
 * pairs after the message for text logs, or as JSON members for JSON lines ({@link Members}, which
 * {@link JsonLineEncoder} writes as they are). One buffer and no object per field: the canonical
 * line's two dozen fields through SLF4J placeholders cost one {@link LogField} each and a parse of
 * the message (docs/performance.md).
 */
final class LineFields {
  private final StringBuilder out = new StringBuilder(512);
  private final boolean json;

  /**
   * @param message the text line's message, which the fields follow ({@code json} false)
   */
  LineFields(String message, boolean json) {
    this.json = json;
    if (!json) {
      out.append(message);
    }
  }

  LineFields add(String name, String value) {
    if (json) {
      JsonLineEncoder.string(name(name), value);
    } else {
      name(name).append(value);
    }
    return this;
  }

  LineFields add(String name, long value) {
    name(name).append(value);
    return this;
  }

  LineFields add(String name, double value) {
    if (json) {
      JsonLineEncoder.number(name(name), value);
    } else {
      name(name).append(value);
    }
    return this;
  }

  private StringBuilder name(String name) {
    if (json) {
      JsonLineEncoder.field(out, name);
    } else {
      out.append(' ').append(name).append('=');
    }
    return out;
  }

  /** The text line's message with its fields. */
  String text() {
    return out.toString();
  }

  /** The JSON members, as the log event's argument. */
  Members members() {
    return new Members(out.toString());
  }

  /**
   * JSON members ({@code ,"name":value...}), encoded already; an argument of a JSON line's event.
   * Its text is empty, so a text layout that meets it (a message with no placeholder for it) shows
   * nothing of it.
   */
  record Members(String json) {
    @Override
    public String toString() {
      return "";
    }
  }
}
