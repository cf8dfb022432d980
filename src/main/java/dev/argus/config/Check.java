package dev.argus.config;

/** Argument checks whose messages name the key, the value and what was expected. */
public final class Check {
  private Check() {}

  /**
   * Throws {@code IllegalArgumentException("key: value (expected: expectation)")} unless {@code
   * condition} holds. Config binding prefixes the message with the path of the enclosing section.
   */
  public static void that(boolean condition, String key, Object value, String expectation) {
    if (!condition) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: " + expectation + ")");
    }
  }
}
