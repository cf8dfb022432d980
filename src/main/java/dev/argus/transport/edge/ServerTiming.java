package dev.argus.transport.edge;

import dev.argus.observe.PhaseTimings;

/**
 * A request's phase durations as W3C {@code Server-Timing}, in milliseconds: the HTTP header, and
 * the gRPC trailer and stream-response parameter of the same name.
 */
public final class ServerTiming {
  public static final String NAME = "Server-Timing";

  private ServerTiming() {}

  /**
   * {@code decode;dur=0.120, preprocess;dur=..., queue;dur=..., compute;dur=..., postprocess;...}:
   * each duration in milliseconds to three decimals, rounded half up (what {@code %.3f} writes),
   * built without a {@link java.util.Formatter} (this runs for every answer).
   */
  public static String of(PhaseTimings t) {
    StringBuilder sb = new StringBuilder(112);
    millis(sb.append("decode;dur="), t.decodeNanos());
    millis(sb.append(", preprocess;dur="), t.preprocessNanos());
    millis(sb.append(", queue;dur="), t.queueNanos());
    millis(sb.append(", compute;dur="), t.computeNanos());
    millis(sb.append(", postprocess;dur="), t.postprocessNanos());
    return sb.toString();
  }

  /** {@code nanos} as milliseconds with three decimals, half up: 1,500 ns is 0.002. */
  static void millis(StringBuilder sb, long nanos) {
    if (nanos < 0) {
      sb.append('-');
      nanos = -nanos;
    }
    long micros = (nanos + 500) / 1000;
    long fraction = micros % 1000;
    sb.append(micros / 1000).append('.');
    if (fraction < 100) {
      sb.append(fraction < 10 ? "00" : "0");
    }
    sb.append(fraction);
  }
}
