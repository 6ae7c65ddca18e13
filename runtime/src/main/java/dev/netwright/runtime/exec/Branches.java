package dev.netwright.runtime.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The branches of one block's forward pass (an Inception module's four towers, a residual module's
 * main path and projection): independent runs of calls that read the same input and write only
 * their own arrays, run one after another or side by side.
 *
 * <p>Side by side only for a small unsplit batch (one image, say): there every native call costs
 * tens of microseconds whatever its size, two OpenMP threads inside a call buy little, and two
 * branches on two lanes finish in about the time of the longer one. A larger batch runs its
 * branches in order with every call as wide as the thread setting; a split batch's parts run them
 * in order too (each part already has a lane). The result is the same either way: no branch reads
 * what another writes.
 *
 * <p>Nothing is allocated per run: the branches' grouping for each lane count is made on first use.
 */
public final class Branches {
  /**
   * What one native call costs beyond its arithmetic, in multiply-adds (about 20 µs per oneDNN
   * convolution call on one thread, which does about 25 multiply-adds a nanosecond): the cost model
   * that balances branches across lanes.
   */
  static final long CALL_COST = 500_000;

  private final Part batch;
  private final Runnable[] branches;
  private final long[] cost;
  // By lane count: one task per lane, each running its branches in their written order.
  private final Runnable[][] grouped;

  Branches(Part batch, long[] calls, long[] multiplyAdds, Runnable[] branches) {
    if (calls.length != branches.length
        || multiplyAdds.length != branches.length
        || branches.length < 2) {
      throw new IllegalArgumentException(
          "branches: "
              + branches.length
              + " branches with "
              + calls.length
              + " call counts and "
              + multiplyAdds.length
              + " multiply-add counts;"
              + " expected at least 2 and one count of each per branch");
    }
    this.batch = batch;
    this.branches = branches.clone();
    this.cost = new long[branches.length];
    for (int i = 0; i < cost.length; i++) {
      cost[i] = calls[i] * CALL_COST + batch.n * multiplyAdds[i];
    }
    this.grouped = new Runnable[branches.length + 1][];
  }

  /** Runs every branch: side by side when the batch allows it, else in order on this thread. */
  public void run() {
    int lanes = Math.min(batch.lanes, branches.length);
    if (lanes <= 1) {
      for (Runnable b : branches) {
        b.run();
      }
      return;
    }
    Runnable[] tasks = grouped[lanes];
    if (tasks == null) {
      tasks = group(cost, lanes, branches);
      grouped[lanes] = tasks;
    }
    Lanes.run(tasks);
  }

  /**
   * Which lane each branch runs on: the costliest branch first, each to the least loaded lane
   * (longest processing time first); ties go to the lower lane.
   */
  static int[] assign(long[] cost, int lanes) {
    Integer[] order = new Integer[cost.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> cost[a] != cost[b] ? Long.compare(cost[b], cost[a]) : Integer.compare(a, b));
    long[] load = new long[lanes];
    int[] lane = new int[cost.length];
    for (int i : order) {
      int best = 0;
      for (int l = 1; l < lanes; l++) {
        if (load[l] < load[best]) {
          best = l;
        }
      }
      lane[i] = best;
      load[best] += cost[i];
    }
    return lane;
  }

  private static Runnable[] group(long[] cost, int lanes, Runnable[] branches) {
    int[] lane = assign(cost, lanes);
    Runnable[] tasks = new Runnable[lanes];
    for (int l = 0; l < lanes; l++) {
      List<Runnable> mine = new ArrayList<>();
      for (int i = 0; i < branches.length; i++) {
        if (lane[i] == l) {
          mine.add(branches[i]);
        }
      }
      Runnable[] run = mine.toArray(new Runnable[0]);
      tasks[l] =
          run.length == 1
              ? run[0]
              : () -> {
                for (Runnable r : run) {
                  r.run();
                }
              };
    }
    return tasks;
  }
}
