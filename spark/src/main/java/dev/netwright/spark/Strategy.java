package dev.netwright.spark;

import java.io.Serializable;

/**
 * How replicas agree. {@link #synchronous()}: every step, the gradients of the replicas' shares are
 * summed (weighted by share size) and every replica applies the same update, which is
 * single-machine training with the global batch. {@link #localSgd(int)}: each replica takes {@code
 * k} steps on its shares alone, then parameters, optimizer state and batch-norm buffers are
 * averaged, weighted by the examples each replica saw (the DL4J / BigDL parameter averaging);
 * {@code k = 1} is the synchronous strategy for SGD.
 */
public record Strategy(int averagingPeriod) implements Serializable {
  /** {@code averagingPeriod} 0 is synchronous; k ≥ 1 averages every k local steps. */
  public Strategy {
    if (averagingPeriod < 0) {
      throw new IllegalArgumentException(
          "local SGD averages every k >= 1 steps, got k = " + averagingPeriod);
    }
  }

  /** Gradients summed every step. */
  public static Strategy synchronous() {
    return new Strategy(0);
  }

  /** Parameters averaged every {@code k} local steps. */
  public static Strategy localSgd(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("local SGD averages every k >= 1 steps, got k = " + k);
    }
    return new Strategy(k);
  }

  /** Whether gradients are summed every step. */
  public boolean isSynchronous() {
    return averagingPeriod == 0;
  }

  @Override
  public String toString() {
    return averagingPeriod == 0 ? "synchronous" : "local SGD k=" + averagingPeriod;
  }
}
