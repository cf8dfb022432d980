package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

/**
 * Per-model live figures on a fake clock: exact counts, approximate percentiles, bounded memory.
 */
class LiveStatsTest {
  private long nowMillis = 1_800_000_000_000L;
  private final LiveStats stats = new LiveStats(() -> nowMillis);

  private void request(String model, String outcome, long serverMillis, int batch) {
    RequestRecord r = RequestRecord.start("id", "http", 0, Span.getInvalid());
    r.model(model, "1");
    long ns = serverMillis * 1_000_000;
    r.outcome(outcome, new PhaseTimings(0, 0, 0, 0, ns, 0));
    r.result(batch, "", "");
    stats.ended(r, ns);
  }

  private void advanceSeconds(int s) {
    nowMillis += s * 1000L;
  }

  @Test
  void countsRatesAndErrorRatiosOverTheLastCompleteSeconds() {
    advanceSeconds(120); // the server has run longer than the windows asked for below
    for (int s = 0; s < 10; s++) {
      for (int i = 0; i < 9; i++) {
        request("m", "success", 10, 2);
      }
      request("m", "error", 0, 0);
      request("m", "invalid_input", 0, 0);
      advanceSeconds(1);
    }

    LiveStats.Window w = stats.window("m", 60);
    assertThat(w.requests()).isEqualTo(110);
    assertThat(w.serverErrors()).isEqualTo(10);
    assertThat(w.clientErrors()).isEqualTo(10);
    assertThat(w.ratePerSecond()).isCloseTo(110 / 60.0, within(1e-9));
    assertThat(w.errorRatio()).isCloseTo(10 / 110.0, within(1e-9));
    assertThat(w.clientErrorRatio()).isCloseTo(10 / 110.0, within(1e-9));
    assertThat(w.meanBatchSize()).isEqualTo(2.0);
    // Only the last 5 complete seconds.
    assertThat(stats.window("m", 5).requests()).isEqualTo(55);
  }

  @Test
  void theCurrentSecondCountsOnceItIsComplete() {
    advanceSeconds(100);
    request("m", "success", 5, 1);

    assertThat(stats.window("m", 60).requests()).isZero();
    advanceSeconds(1);
    assertThat(stats.window("m", 60).requests()).isEqualTo(1);
  }

  @Test
  void percentilesAreWithinTheBucketResolution() {
    advanceSeconds(100);
    for (int i = 1; i <= 1000; i++) {
      request("m", "success", i, 1); // 1 ms .. 1 s, uniform
    }
    advanceSeconds(1);

    LiveStats.Window w = stats.window("m", 60);
    assertThat(w.p50Millis()).isCloseTo(500, within(100.0));
    assertThat(w.p95Millis()).isCloseTo(950, within(190.0));
    assertThat(w.p99Millis()).isCloseTo(990, within(200.0));
    assertThat(w.p50Millis()).isLessThan(w.p95Millis());
  }

  @Test
  void aModelWithoutSuccessesHasNoPercentiles() {
    advanceSeconds(100);
    request("m", "timeout", 0, 0);
    advanceSeconds(1);

    assertThat(stats.window("m", 60).p99Millis()).isNaN();
    assertThat(stats.window("unknown", 60).requests()).isZero();
  }

  @Test
  void aYoungServerDividesByTheTimeItHasRun() {
    advanceSeconds(10);
    for (int i = 0; i < 20; i++) {
      request("m", "success", 1, 1);
    }
    advanceSeconds(1);

    assertThat(stats.window("m", 900).ratePerSecond()).isCloseTo(20 / 11.0, within(1e-9));
  }

  @Test
  void slotsAreReusedAfterFifteenMinutesSoMemoryStaysBounded() {
    advanceSeconds(1000);
    for (int i = 0; i < 50; i++) {
      request("m", "success", 1, 1);
    }
    advanceSeconds(LiveStats.SECONDS); // the same slot, fifteen minutes later
    request("m", "success", 1, 1);
    advanceSeconds(1);

    assertThat(stats.window("m", LiveStats.SECONDS).requests()).isEqualTo(1);
  }

  @Test
  void seriesHasOnePointPerSecondWithGapsForSecondsWithoutSuccesses() {
    advanceSeconds(100);
    request("m", "success", 20, 1);
    request("m", "success", 20, 1);
    advanceSeconds(1);
    request("m", "error", 0, 0);
    advanceSeconds(1);

    LiveStats.Series s = stats.series("m", 3);
    assertThat(s.requests()).containsExactly(0, 2, 1);
    assertThat(s.errors()).containsExactly(0, 0, 1);
    assertThat(s.p99Millis()[0]).isNaN();
    assertThat(s.p99Millis()[1]).isBetween(20 / Math.sqrt(2), 20 * Math.sqrt(2));
    assertThat(s.p99Millis()[2]).isNaN();
    assertThat(s.firstEpochSecond()).isEqualTo(nowMillis / 1000 - 3);
  }

  @Test
  void requestsThatReachedNoModelAreNotCounted() {
    advanceSeconds(100);
    RequestRecord r = RequestRecord.start("id", "http", 0, Span.getInvalid());
    r.failure("not_found", "no endpoint", null, false);
    stats.ended(r, 1);
    advanceSeconds(1);

    assertThat(stats.models()).isEmpty();
  }

  @Test
  void windowsOutsideTheHistoryAreRefusedWithTheirBounds() {
    assertThatThrownBy(() -> stats.window("m", 901))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seconds: 901 (expected: 1..900)");
    assertThatThrownBy(() -> stats.series("m", 0)).hasMessage("seconds: 0 (expected: 1..900)");
  }

  @Test
  void bucketsAreAFactorOfRootTwoApart() {
    assertThat(LiveStats.bucket(50_000)).isZero();
    assertThat(LiveStats.bucket(100_000)).isZero();
    assertThat(LiveStats.bucket(100_001)).isEqualTo(1);
    assertThat(LiveStats.bucket(200_000)).isEqualTo(2);
    assertThat(LiveStats.bucket(Long.MAX_VALUE)).isEqualTo(LiveStats.BUCKETS - 1);
    for (int i = 1; i < LiveStats.BUCKETS; i++) {
      assertThat(LiveStats.bucket((long) LiveStats.upperNanos(i))).isEqualTo(i);
    }
  }
}
