package dev.netwright.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class BranchesTest {
  /** A batch with no arrays: Branches reads only its size and lane count. */
  private static final class Empty extends Part {
    Empty(int n) {
      super(n);
    }

    @Override
    protected void enableBackward() {}
  }

  @Test
  void longestBranchesFirstEachToTheLeastLoadedLane() {
    // An Inception module at batch 1 (calls x 500,000 + multiply-adds): 1x1, 5x5, 3x3, pool towers.
    long[] cost = {523_040, 2_405_440, 2_767_200, 1_034_560};
    assertArrayEquals(new int[] {0, 1, 0, 1}, Branches.assign(cost, 2));
    assertArrayEquals(new int[] {2, 1, 0, 2}, Branches.assign(cost, 3));
    assertArrayEquals(new int[] {3, 1, 0, 2}, Branches.assign(cost, 4));
    assertArrayEquals(
        new int[] {0, 1}, Branches.assign(new long[] {5, 5}, 2), "ties: the lower lane first");
  }

  @Test
  void inOrderOnOneLaneSideBySideOnSeveral() {
    Empty batch = new Empty(1);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Runnable[] branches = new Runnable[4];
    for (int i = 0; i < branches.length; i++) {
      int id = i;
      branches[i] =
          () -> {
            order.add(id);
            threads.add(Thread.currentThread().getName());
          };
    }
    Branches b =
        batch.branches(
            new long[] {1, 2, 3, 2}, new long[] {23_040, 1_405_440, 1_267_200, 34_560}, branches);
    b.run();
    assertEquals(List.of(0, 1, 2, 3), order, "one lane: the branches in their written order");
    assertEquals(Set.of(Thread.currentThread().getName()), threads);

    order.clear();
    threads.clear();
    Lanes.request(2);
    batch.lanes = 2;
    b.run();
    Lanes.widen();
    Collections.sort(order);
    assertEquals(List.of(0, 1, 2, 3), order, "two lanes: every branch once");
    assertEquals(2, threads.size(), "on two threads: " + threads);
    assertTrue(threads.contains(Thread.currentThread().getName()), "the caller takes a lane");
  }

  @Test
  void aBranchFailureReachesTheCaller() {
    Empty batch = new Empty(1);
    IllegalStateException boom = new IllegalStateException("boom");
    Branches b =
        batch.branches(
            new long[] {1, 1},
            new long[] {0, 0},
            () -> {},
            () -> {
              throw boom;
            });
    batch.lanes = 2;
    assertEquals(boom, assertThrows(IllegalStateException.class, b::run));
    Lanes.widen();
  }

  @Test
  void countsMustMatchTheBranches() {
    Empty batch = new Empty(1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> batch.branches(new long[] {1}, new long[] {1, 2}, () -> {}, () -> {}));
    assertTrue(
        e.getMessage().contains("2 branches with 1 call counts and 2 multiply-add counts"),
        e.getMessage());
  }
}
