package dev.netwright.benchmark;

import java.util.Locale;

/** What one output line reports, its unit, and which way is better. */
enum Metric {
  TRAIN("train", "img/s", Better.HIGHER),
  INFER64("infer64", "img/s", Better.HIGHER),
  LATENCY1("latency1", "ms", Better.LOWER),
  HEAP("heap/step", "B", Better.LOWER),
  RSS("rss", "MB", Better.NEITHER),
  RSS_GROWTH("rss-growth", "MB", Better.NEITHER),
  GFLOPS("gflops", "GFLOP/s", Better.HIGHER);

  enum Better {
    HIGHER,
    LOWER,
    NEITHER
  }

  final String key;
  final String unit;
  final Better better;

  Metric(String key, String unit, Better better) {
    this.key = key;
    this.unit = unit;
    this.better = better;
  }

  /**
   * Netwright's advantage over {@code other}: above 1 means Netwright is better; NaN if not
   * comparable.
   */
  double advantage(double netwright, double other) {
    return switch (better) {
      case HIGHER -> netwright / other;
      case LOWER -> other / netwright;
      case NEITHER -> Double.NaN;
    };
  }

  /** The value with its unit, e.g. "5,412 img/s", "0.412 ms", "+1.5 MB". */
  String format(double value) {
    return switch (this) {
      case RSS -> String.format(Locale.ROOT, "%,.0f MB", value / (1 << 20));
      case RSS_GROWTH -> String.format(Locale.ROOT, "%+,.1f MB", value / (1 << 20));
      case HEAP -> String.format(Locale.ROOT, "%,.0f B", value);
      default -> number(value) + " " + unit;
    };
  }

  /** Three significant digits at least, grouped thousands, no exponent. */
  static String number(double v) {
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, v);
  }

  /** A ratio, e.g. "19.9x" or "1.02x". */
  static String ratio(double r) {
    if (!Double.isFinite(r)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, r >= 10 ? "%.1fx" : "%.2fx", r);
  }
}
