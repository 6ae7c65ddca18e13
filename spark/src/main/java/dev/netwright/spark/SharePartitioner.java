package dev.netwright.spark;

import org.apache.spark.Partitioner;

/** Sends the example at each position of an epoch's order to the replica that trains on it. */
final class SharePartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final EpochPlan plan;

  SharePartitioner(EpochPlan plan) {
    this.plan = plan;
  }

  @Override
  public int numPartitions() {
    return plan.replicas();
  }

  @Override
  public int getPartition(Object position) {
    return plan.replicaOf((Long) position);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharePartitioner s && s.plan.equals(plan);
  }

  @Override
  public int hashCode() {
    return plan.hashCode();
  }
}
