package io.ddlcast.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The numbers behind every figure: percentiles of one run's samples (nearest-rank, as latency reports use them:
 * p99 of 1,200 samples is the 1,188th smallest, an observed value, never an interpolation) and the median of several
 * runs with their spread.
 */
final class Stats {

  /** A figure over several runs: the median, and the smallest and largest run. */
  record Spread(double median, double min, double max, int runs) {
    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    boolean isEmpty() {
      return runs == 0;
    }
  }

  private Stats() {}

  /**
   * The nearest-rank percentile {@code p} (0 < p <= 100) of {@code samples}: the smallest value such that at least
   * p percent of the samples are at or below it.
   */
  static double percentile(double[] samples, double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  static double max(double[] samples) {
    return Arrays.stream(samples).max().orElseThrow(() -> new IllegalArgumentException("no samples"));
  }

  /** The median (mean of the two middle values for an even count). */
  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The median and spread of one figure over runs; NaN values (a run that could not measure it) are left out. */
  static Spread spread(Collection<Double> perRun) {
    double[] values = perRun.stream().filter(v -> v != null && !v.isNaN()).mapToDouble(Double::doubleValue).toArray();
    if (values.length == 0) {
      return Spread.NONE;
    }
    return new Spread(median(values), Arrays.stream(values).min().getAsDouble(),
        Arrays.stream(values).max().getAsDouble(), values.length);
  }

  static double[] toArray(List<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).toArray();
  }
}
