package dev.netwright.benchmark;

import java.util.Arrays;

/** Medians: of single calls for latency, of rounds for every reported number. */
final class Stats {
  private Stats() {}

  /** The median of {@code values}; NaN when there are none. */
  static double median(double... values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The median of {@code values}. */
  static double median(long[] values) {
    return median(Arrays.stream(values).asDoubleStream().toArray());
  }
}
