package dev.argus.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchingConfigTest {
  private static BatchingConfig threads(Integer instances, Integer intraOp) {
    return new BatchingConfig(null, null, null, instances, intraOp, null);
  }

  @Test
  void autoThreadingIsOneSingleThreadedWorkerPerCoreUpToFour() {
    BatchingConfig auto = threads(0, 0);

    assertThat(auto.resolvedFor(1)).extracting("instances", "intraOpThreads").containsExactly(1, 1);
    assertThat(auto.resolvedFor(2)).extracting("instances", "intraOpThreads").containsExactly(2, 1);
    assertThat(auto.resolvedFor(4)).extracting("instances", "intraOpThreads").containsExactly(4, 1);
    assertThat(auto.resolvedFor(8)).extracting("instances", "intraOpThreads").containsExactly(4, 2);
    assertThat(auto.resolvedFor(16))
        .extracting("instances", "intraOpThreads")
        .containsExactly(4, 4);
  }

  @Test
  void explicitSettingsWinAndIntraOpSharesTheCoresAmongInstances() {
    assertThat(threads(1, 0).resolvedFor(2))
        .extracting("instances", "intraOpThreads")
        .containsExactly(1, 2);
    assertThat(threads(3, 0).resolvedFor(8))
        .extracting("instances", "intraOpThreads")
        .containsExactly(3, 2);
    assertThat(threads(0, 4).resolvedFor(2))
        .extracting("instances", "intraOpThreads")
        .containsExactly(2, 4);
  }

  @Test
  void theShippedDefaultsAreAuto() {
    BatchingConfig shipped =
        ConfigLoader.load(null, java.util.Map.of(), java.util.Map.of()).config().batching();

    assertThat(shipped.instances()).isZero();
    assertThat(shipped.intraOpThreads()).isZero();
  }
}
