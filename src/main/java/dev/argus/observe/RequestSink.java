package dev.argus.observe;

import java.util.List;

/**
 * Told about every request once, when it ends, from the same {@link RequestRecord} and at the same
 * moment as its canonical line. It runs on the request's thread before the answer's scope closes,
 * so it must be quick: write a few numbers or one entry into bounded memory, hold no lock for long,
 * never block.
 */
@FunctionalInterface
public interface RequestSink {
  /** Nothing is told: the console is off. */
  RequestSink NONE = (record, durationNanos) -> {};

  /**
   * The request of {@code record} ended after {@code durationNanos} (its arrival to the end of its
   * answer, as the canonical line's {@code duration_ms}).
   */
  void ended(RequestRecord record, long durationNanos);

  /** Tells each of {@code sinks}, in order. */
  static RequestSink of(List<RequestSink> sinks) {
    List<RequestSink> all = List.copyOf(sinks);
    return (record, durationNanos) -> {
      for (RequestSink s : all) {
        s.ended(record, durationNanos);
      }
    };
  }
}
