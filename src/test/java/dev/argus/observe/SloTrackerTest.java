package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.argus.config.SloConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known sequences of successes, errors and latencies on a fake clock give exact SLIs and budgets.
 */
class SloTrackerTest {
  private long now = Duration.ofDays(100).toMillis();

  private static final SloConfig.Objective AVAILABILITY =
      new SloConfig.Objective(
          "availability", "*", "availability", 0.995, null, Duration.ofDays(30));
  private static final SloConfig.Objective LATENCY =
      new SloConfig.Objective(
          "latency", "m", "latency", 0.99, Duration.ofMillis(300), Duration.ofDays(30));

  private SloTracker tracker() {
    return new SloTracker(new SloConfig(List.of(AVAILABILITY, LATENCY)), () -> now);
  }

  @Test
  void availabilityCountsServerFailuresOnlyAndGivesExactBudgetAndBurn() {
    SloTracker t = tracker();
    for (int i = 0; i < 990; i++) {
      t.succeeded("m", 0.01);
    }
    for (int i = 0; i < 10; i++) {
      t.failed("m", "error");
    }
    for (int i = 0; i < 50; i++) {
      t.failed("m", "invalid_input"); // the client's doing: not counted
    }

    SloTracker.Status a = t.statuses().get(0);
    assertThat(a.validEvents()).isEqualTo(1000);
    assertThat(a.sli().get("5m")).isCloseTo(0.99, within(1e-12));
    assertThat(a.sli().get("30d")).isCloseTo(0.99, within(1e-12));
    // 1% errors against a 0.5% budget: burn rate 2, the whole budget spent twice over.
    assertThat(a.burnRate().get("1h")).isCloseTo(2.0, within(1e-9));
    assertThat(a.budgetRemainingRatio()).isCloseTo(-1.0, within(1e-9));
    assertThat(a.budgetTotalMinutes()).isCloseTo(0.005 * 30 * 24 * 60, within(1e-9)); // 216 min
    assertThat(a.budgetRemainingMinutes()).isCloseTo(-216, within(1e-6));
    assertThat(a.status()).isEqualTo("breach");
  }

  @Test
  void latencyCountsSuccessesWithinTheThresholdForItsModelOnly() {
    SloTracker t = tracker();
    for (int i = 0; i < 995; i++) {
      t.succeeded("m", 0.3); // exactly the threshold counts as good
    }
    for (int i = 0; i < 5; i++) {
      t.succeeded("m", 0.31);
    }
    t.succeeded("other", 5.0); // another model: not this objective's
    t.failed("m", "error"); // failures are not latency events

    SloTracker.Status l = t.statuses().get(1);
    assertThat(l.validEvents()).isEqualTo(1000);
    assertThat(l.sli().get("30d")).isCloseTo(0.995, within(1e-12));
    assertThat(l.burnRate().get("5m")).isCloseTo(0.5, within(1e-9));
    assertThat(l.budgetRemainingRatio()).isCloseTo(0.5, within(1e-9));
    assertThat(l.status()).isEqualTo("ok");
  }

  @Test
  void windowsForgetWhatIsOlderThanThem() {
    SloTracker t = tracker();
    for (int i = 0; i < 100; i++) {
      t.failed("m", "timeout");
    }
    now += Duration.ofMinutes(10).toMillis();
    for (int i = 0; i < 100; i++) {
      t.succeeded("m", 0.01);
    }

    SloTracker.Status a = t.statuses().get(0);
    assertThat(a.sli().get("5m")).isEqualTo(1.0); // the failures are 10 minutes old
    assertThat(a.sli().get("30m")).isCloseTo(0.5, within(1e-12));
    assertThat(a.burnRate().get("30m")).isCloseTo(100, within(1e-9));
    now += Duration.ofDays(31).toMillis();
    assertThat(t.statuses().get(0).sli().get("30d")).isEqualTo(1.0);
    assertThat(t.statuses().get(0).validEvents()).isZero();
  }

  @Test
  void aFastBurnIsAWarningBeforeTheBudgetIsGone() {
    SloTracker t = tracker();
    for (int i = 0; i < 10_000; i++) {
      t.succeeded("m", 0.01);
    }
    now += Duration.ofDays(2).toMillis();
    for (int i = 0; i < 80; i++) {
      t.succeeded("m", 0.01);
    }
    for (int i = 0; i < 20; i++) {
      t.failed("m", "error"); // 20% errors in the last minutes
    }

    SloTracker.Status a = t.statuses().get(0);
    assertThat(a.burnRate().get("5m")).isCloseTo(40, within(1e-9));
    // 20 of 10,100 over 30 days: 0.198% of a 0.5% budget spent.
    assertThat(a.budgetRemainingRatio()).isCloseTo(1 - (20.0 / 10_100) / 0.005, within(1e-9));
    assertThat(a.status()).isEqualTo("warning");
    assertThat(SloTracker.label(Duration.ofMinutes(90))).isEqualTo("90m");
  }
}
