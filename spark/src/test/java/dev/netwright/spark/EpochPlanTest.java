package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The dealing of an epoch's positions to replicas. */
class EpochPlanTest {
  @Test
  void sharesTileEveryBatchInRankOrderAndReplicaOfAgrees() {
    for (int examples : new int[] {1, 7, 64, 200, 1001}) {
      for (int batch : new int[] {1, 5, 32, 64}) {
        for (int replicas : new int[] {1, 2, 3, 8}) {
          EpochPlan plan = new EpochPlan(examples, batch, replicas);
          long position = 0;
          for (int step = 0; step < plan.steps(); step++) {
            int sum = 0;
            for (int rank = 0; rank < replicas; rank++) {
              int share = plan.share(step, rank);
              for (int i = 0; i < share; i++) {
                assertEquals(
                    rank, plan.replicaOf(position++), plan + " position " + (position - 1));
              }
              sum += share;
            }
            assertEquals(plan.batch(step), sum);
          }
          assertEquals(examples, position);
          assertEquals(examples, plan.batches(0, plan.steps()));
        }
      }
    }
  }
}
