package dev.netwright.benchmark;

/**
 * How long each measurement runs, the same for every framework. Warm-up runs for at least {@code
 * warmupSeconds} and {@value #MIN_WARMUP} calls; the timed part for at least its seconds and
 * {@value #MIN_TIMED} calls, so even a slow network is measured over several steps.
 */
record Budget(double trainSeconds, double inferSeconds, double warmupSeconds) {
  static final int MIN_WARMUP = 3;
  static final int MIN_TIMED = 3;

  /** Latency is a median over single calls: take at least this many. */
  static final int MIN_LATENCY_CALLS = 10;

  /** The full run's budget. */
  static Budget standard(double trainSeconds, double inferSeconds, double warmupSeconds) {
    return new Budget(trainSeconds, inferSeconds, warmupSeconds);
  }

  /** For tests: a few calls of everything. */
  static Budget quick() {
    return new Budget(0.2, 0.1, 0.05);
  }
}
