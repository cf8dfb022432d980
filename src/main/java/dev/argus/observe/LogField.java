package dev.argus.observe;

/**
 * A named value passed as a log argument: a field of its own in JSON lines ({@link
 * JsonLineEncoder}), {@code name=value} where a text message has a {@code {}} for it.
 */
public record LogField(String name, Object value) {
  public static LogField of(String name, Object value) {
    return new LogField(name, value);
  }

  @Override
  public String toString() {
    return name + "=" + value;
  }
}
