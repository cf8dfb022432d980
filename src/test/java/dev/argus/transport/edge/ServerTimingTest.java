package dev.argus.transport.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.observe.PhaseTimings;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServerTimingTest {
  /** What the header said when it was built with String.format. */
  private static String formatted(PhaseTimings t) {
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

  @Test
  void durationsAreWrittenAsFormatWroteThemToTheLastRoundedDigit() {
    assertThat(ServerTiming.of(new PhaseTimings(0, 1_500, 499, 0, 12_345_678, 2_000_000_000L)))
        .isEqualTo(
            "decode;dur=0.002, preprocess;dur=0.000, queue;dur=0.000, compute;dur=12.346,"
                + " postprocess;dur=2000.000");
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      long scale = (long) Math.pow(10, random.nextInt(11));
      PhaseTimings t =
          new PhaseTimings(
              0,
              (long) (random.nextDouble() * scale),
              (long) (random.nextDouble() * scale),
              random.nextInt(1000) * 1000L + 500, // exactly half a microsecond: rounds up
              (long) (random.nextDouble() * scale),
              i % 50 == 0 ? -(long) (random.nextDouble() * scale) : random.nextInt(2_000));
      assertThat(ServerTiming.of(t)).as(t.toString()).isEqualTo(formatted(t));
    }
  }
}
