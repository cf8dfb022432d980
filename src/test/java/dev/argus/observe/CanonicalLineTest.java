package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Refusal lines are throttled per second, and the next one says how many were left out. */
class CanonicalLineTest {
  @Test
  void refusalsPastTheLimitAreCountedAndReportedByTheNextAdmittedOne() {
    CanonicalLine.Throttle throttle = new CanonicalLine.Throttle(3);
    long second = 7_000_000_000L;

    assertThat(throttle.admit(second)).isZero();
    assertThat(throttle.admit(second + 1)).isZero();
    assertThat(throttle.admit(second + 2)).isZero();
    assertThat(throttle.admit(second + 3)).isEqualTo(-1);
    assertThat(throttle.admit(second + 4)).isEqualTo(-1);

    assertThat(throttle.admit(second + 1_000_000_000L)).as("next second").isEqualTo(2);
    assertThat(throttle.admit(second + 1_000_000_001L)).isZero();
  }
}
