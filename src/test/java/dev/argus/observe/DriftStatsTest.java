package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reference values from SciPy 1.17 (stats.chi2.sf) and the Kolmogorov series by hand. */
class DriftStatsTest {
  @Test
  void chiSquareSurvivalMatchesScipy() {
    assertThat(DriftStats.chiSquareSurvival(3.84, 1)).isCloseTo(0.05004352124870519, within(1e-9));
    assertThat(DriftStats.chiSquareSurvival(10, 3)).isCloseTo(0.01856613546304325, within(1e-9));
    assertThat(DriftStats.chiSquareSurvival(0, 2)).isEqualTo(1.0);
  }

  @Test
  void ksStatisticAndAsymptoticPValue() {
    double[] a = new double[20];
    double[] b = new double[30];
    for (int i = 0; i < 20; i++) {
      a[i] = 0.1 * i;
    }
    for (int i = 0; i < 30; i++) {
      b[i] = 0.1 * i + 0.5;
    }
    double[] r = DriftStats.ks(a, b);
    assertThat(r[0]).isCloseTo(0.5, within(1e-9));
    // sqrt(20*30/50) * 0.5 = 1.7320508; Q = 2 (e^-6 - e^-24 + ...) = 0.0049575
    assertThat(r[1]).isCloseTo(0.0049575, within(1e-6));
  }

  @Test
  void sameDistributionIsNotDriftAndAShiftIs() {
    Random random = new Random(7);
    double[] ref = new double[500];
    double[] same = new double[500];
    double[] shifted = new double[500];
    for (int i = 0; i < 500; i++) {
      ref[i] = random.nextGaussian();
      same[i] = random.nextGaussian();
      shifted[i] = random.nextGaussian() + 0.5;
    }
    assertThat(DriftStats.ks(ref, same)[1]).isGreaterThan(0.01);
    assertThat(DriftStats.ks(ref, shifted)[1]).isLessThan(1e-6);

    long[] refClasses = {500, 300, 200};
    assertThat(DriftStats.chiSquare(refClasses, new long[] {50, 30, 20})[1]).isGreaterThan(0.5);
    assertThat(DriftStats.chiSquare(refClasses, new long[] {10, 10, 80})[1]).isLessThan(1e-6);
    assertThat(DriftStats.psi(refClasses, new long[] {50, 30, 20})).isLessThan(0.01);
    assertThat(DriftStats.psi(refClasses, new long[] {10, 10, 80})).isGreaterThan(0.2);
  }
}
