package dev.netwright.spark;

import java.io.Serializable;

/**
 * What one replica reports after an epoch: its share of the loss and accuracy, its traffic and
 * time, where it ran, and (rank 0 only) the agreed weights.
 */
record EpochOutcome(
    int rank,
    double lossSum,
    long correct,
    long images,
    long bytesSent,
    long allreduceNanos,
    long nanos,
    String worker,
    ModelSnapshot snapshot,
    Divergence divergence)
    implements Serializable {
  /**
   * Training stopped at {@code step} (from 1): this replica's loss was {@code loss} there (finite
   * when another replica's was not), with {@code node} the first non-finite node, if known.
   */
  record Divergence(int step, double loss, String node) implements Serializable {}
}
