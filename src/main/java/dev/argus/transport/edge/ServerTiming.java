package dev.argus.transport.edge;

import dev.argus.observe.PhaseTimings;
import java.util.Locale;

/**
 * A request's phase durations as W3C {@code Server-Timing}, in milliseconds: the HTTP header, and
 * the gRPC trailer and stream-response parameter of the same name.
 */
public final class ServerTiming {
  public static final String NAME = "Server-Timing";

  private ServerTiming() {}

  /**
   * {@code decode;dur=0.120, preprocess;dur=..., queue;dur=..., compute;dur=..., postprocess;...}.
   */
  public static String of(PhaseTimings t) {
    return String.format(
        Locale.ROOT,
        "decode;dur=%.3f, preprocess;dur=%.3f, queue;dur=%.3f, compute;dur=%.3f,"
            + " postprocess;dur=%.3f",
        t.decodeNanos() / 1e6,
        t.preprocessNanos() / 1e6,
        t.queueNanos() / 1e6,
        t.computeNanos() / 1e6,
        t.postprocessNanos() / 1e6);
  }
}
