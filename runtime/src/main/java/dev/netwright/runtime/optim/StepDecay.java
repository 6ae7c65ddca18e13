package dev.netwright.runtime.optim;

/**
 * PyTorch's {@code StepLR}: the rate is multiplied by {@code gamma} every {@code stepSize} epochs,
 * rate(t) = initial · γ^⌊t / stepSize⌋.
 */
public record StepDecay(double initial, long stepSize, double gamma)
    implements LearningRateSchedule {
  /** Checks the hyper-parameters. */
  public StepDecay {
    FlatOptimizer.checkRate(initial);
    if (stepSize < 1) {
      throw new IllegalArgumentException("step size must be at least 1 epoch, got " + stepSize);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
    }
  }

  @Override
  public double rate(long t) {
    Cosine.checkEpoch(t);
    return initial * Math.pow(gamma, t / stepSize);
  }
}
