package dev.netwright.spark;

import java.io.Serializable;

/**
 * Everything a replica needs for one epoch, shipped with the task: the weights at the epoch's
 * start, how to build the optimizer, the plan and strategy, and where to report progress.
 *
 * @param progress the driver's "host:port" for rank 0's progress, or null for none
 * @param job identifies this epoch and attempt; replicas of different jobs refuse each other
 */
record EpochJob(
    ModelSnapshot snapshot,
    OptimizerFactory optimizer,
    EpochPlan plan,
    Strategy strategy,
    int epoch,
    String job,
    String progress,
    long timeoutMillis)
    implements Serializable {}
