package dev.netwright.spark;

import java.io.Serializable;

/**
 * How one epoch's examples are dealt to the replicas: positions 0..N−1 of the epoch's shuffled
 * order form global batches of B (the last one shorter); each batch is split into P contiguous
 * shares whose sizes differ by at most one, the first shares taking the extra examples. Replica p
 * trains on share p of every batch, in batch order.
 */
record EpochPlan(long examples, int batchSize, int replicas) implements Serializable {
  EpochPlan {
    if (examples < 1 || batchSize < 1 || replicas < 1) {
      throw new IllegalArgumentException(
          "an epoch needs examples, a batch size and replicas, got "
              + examples
              + ", "
              + batchSize
              + ", "
              + replicas);
    }
  }

  /** Global batches (steps) in the epoch. */
  int steps() {
    return (int) ((examples + batchSize - 1) / batchSize);
  }

  /** Examples in global batch {@code step}. */
  int batch(int step) {
    return (int) Math.min(batchSize, examples - (long) step * batchSize);
  }

  /** Examples replica {@code rank} trains on in global batch {@code step}. */
  int share(int step, int rank) {
    int b = batch(step);
    return b / replicas + (rank < b % replicas ? 1 : 0);
  }

  /** The replica that trains on the example at {@code position} of the epoch's order. */
  int replicaOf(long position) {
    int b = batch((int) (position / batchSize));
    int r = (int) (position % batchSize);
    int base = b / replicas;
    int extra = b % replicas;
    // The first `extra` shares hold base + 1 examples, the others base.
    return r < extra * (base + 1) ? r / (base + 1) : extra + (r - extra * (base + 1)) / base;
  }

  /** Examples replica {@code rank} trains on in steps [from, to). */
  long shares(int from, int to, int rank) {
    long sum = 0;
    for (int s = from; s < to; s++) {
      sum += share(s, rank);
    }
    return sum;
  }

  /** Examples in steps [from, to), over all replicas. */
  long batches(int from, int to) {
    long sum = 0;
    for (int s = from; s < to; s++) {
      sum += batch(s);
    }
    return sum;
  }
}
