package dev.netwright.runtime.optim;

/**
 * PyTorch's {@code CosineAnnealingLR} in its closed form: rate(t) = ηmin + (initial − ηmin)·(1 +
 * cos(π·t / tMax)) / 2, so initial at 0 and ηmin at tMax. Past tMax it climbs back along the
 * cosine, as PyTorch's does; choose tMax = the epoch count.
 */
public record Cosine(double initial, long tMax, double etaMin) implements LearningRateSchedule {
  /** Checks the hyper-parameters. */
  public Cosine {
    FlatOptimizer.checkRate(initial);
    if (tMax < 1) {
      throw new IllegalArgumentException("tMax must be at least 1 epoch, got " + tMax);
    }
    if (!(etaMin >= 0 && etaMin <= initial)) {
      throw new IllegalArgumentException(
          "etaMin must be in [0, initial = " + initial + "], got " + etaMin);
    }
  }

  @Override
  public double rate(long t) {
    checkEpoch(t);
    return etaMin + (initial - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
  }

  static void checkEpoch(long t) {
    if (t < 0) {
      throw new IllegalArgumentException("epochs are counted from 0, got " + t);
    }
  }
}
