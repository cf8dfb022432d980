package dev.argus.observe;

import java.util.Arrays;

/** The statistics of drift detection: two-sample Kolmogorov-Smirnov, chi-square and PSI. */
public final class DriftStats {
  private DriftStats() {}

  /** {D, p}: the two-sample KS statistic and its asymptotic p-value (Kolmogorov distribution). */
  public static double[] ks(double[] reference, double[] recent) {
    double[] a = reference.clone();
    double[] b = recent.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double x = Math.min(a[i], b[j]);
      while (i < a.length && a[i] <= x) {
        i++;
      }
      while (j < b.length && b[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    double en = (double) a.length * b.length / (a.length + b.length);
    return new double[] {d, kolmogorovQ(Math.sqrt(en) * d)};
  }

  /** P(K > x) for the Kolmogorov distribution: 2 sum (-1)^(k-1) exp(-2 k^2 x^2). */
  static double kolmogorovQ(double x) {
    if (x < 0.2) {
      return 1.0;
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * x * x);
      sum += (k % 2 == 1 ? 1 : -1) * term;
      if (term < 1e-12) {
        break;
      }
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }

  /** {chi-square, p}: recent counts against the reference proportions (classes seen in either). */
  public static double[] chiSquare(long[] referenceCounts, long[] recentCounts) {
    long refTotal = Arrays.stream(referenceCounts).sum();
    long recTotal = Arrays.stream(recentCounts).sum();
    double stat = 0;
    int categories = 0;
    for (int c = 0; c < referenceCounts.length; c++) {
      if (referenceCounts[c] == 0 && recentCounts[c] == 0) {
        continue;
      }
      categories++;
      // A class never seen in the reference gets half a count, so it weighs but does not divide by
      // 0.
      double p = Math.max(referenceCounts[c], 0.5) / refTotal;
      double expected = p * recTotal;
      double diff = recentCounts[c] - expected;
      stat += diff * diff / expected;
    }
    int df = Math.max(1, categories - 1);
    return new double[] {stat, chiSquareSurvival(stat, df)};
  }

  /** P(X > x) for a chi-square distribution with {@code df} degrees of freedom. */
  public static double chiSquareSurvival(double x, int df) {
    return x <= 0 ? 1.0 : upperRegularizedGamma(df / 2.0, x / 2.0);
  }

  /** Population stability index of two distributions given as counts, smoothed. */
  public static double psi(long[] referenceCounts, long[] recentCounts) {
    double refTotal = Arrays.stream(referenceCounts).sum() + 0.5 * referenceCounts.length;
    double recTotal = Arrays.stream(recentCounts).sum() + 0.5 * recentCounts.length;
    double psi = 0;
    for (int c = 0; c < referenceCounts.length; c++) {
      double e = (referenceCounts[c] + 0.5) / refTotal;
      double a = (recentCounts[c] + 0.5) / recTotal;
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** Q(a, x), the upper regularized incomplete gamma function (Numerical Recipes 6.2). */
  static double upperRegularizedGamma(double a, double x) {
    if (x < a + 1) {
      double sum = 1 / a;
      double term = sum;
      for (int n = 1; n < 500; n++) {
        term *= x / (a + n);
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * 1e-15) {
          break;
        }
      }
      return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
    }
    double b = x + 1 - a;
    double c = 1e300;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 500; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < 1e-300 ? 1e-300 : d;
      c = b + an / c;
      c = Math.abs(c) < 1e-300 ? 1e-300 : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-15) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** ln Gamma(x), Lanczos approximation. */
  static double logGamma(double x) {
    double[] g = {
      76.18009172947146,
      -86.50532032941677,
      24.01409824083091,
      -1.231739572450155,
      0.1208650973866179e-2,
      -0.5395239384953e-5
    };
    double y = x;
    double tmp = x + 5.5;
    tmp -= (x + 0.5) * Math.log(tmp);
    double ser = 1.000000000190015;
    for (double c : g) {
      ser += c / ++y;
    }
    return -tmp + Math.log(2.5066282746310005 * ser / x);
  }
}
