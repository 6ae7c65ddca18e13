package dev.netwright.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LanesTest {
  @Test
  void runsEveryTaskOnceOnSeveralThreadsWithOneNativeThreadEach() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger wide = new AtomicInteger();
    Runnable[] tasks = new Runnable[3];
    CountDownLatch together = new CountDownLatch(3);
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] =
          () -> {
            threads.add(Thread.currentThread().getName());
            runs.incrementAndGet();
            if (Lanes.width() != 1) {
              wide.incrementAndGet();
            }
            together.countDown();
            try {
              // All three run at once: none waits for another to finish.
              assertTrue(together.await(10, java.util.concurrent.TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          };
    }
    Lanes.request(2);
    Lanes.run(tasks);
    assertEquals(3, runs.get());
    assertEquals(3, threads.size(), "threads used: " + threads);
    assertEquals(0, wide.get(), "every part runs with one native thread");
    assertEquals(2, Lanes.requested(), "the caller still asks for two threads");
    assertEquals(1, Lanes.width(), "and runs one until unsplit work widens it");
    Lanes.widen();
    assertEquals(2, Lanes.width());
  }

  @Test
  void aWorkersFailureReachesTheCallerAfterEveryTaskFinished() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger finished = new AtomicInteger();
    Runnable[] tasks = {
      finished::incrementAndGet,
      () -> {
        throw boom;
      },
      finished::incrementAndGet
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Lanes.run(tasks));
    assertSame(boom, e);
    assertEquals(2, finished.get());
    // The lanes still work afterwards.
    Lanes.run(new Runnable[] {finished::incrementAndGet, finished::incrementAndGet});
    assertEquals(4, finished.get());
  }

  @Test
  void busyWorkersAreNotWaitedForTheCallerRunsTheirPart() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread other =
        new Thread(
            () ->
                Lanes.run(
                    new Runnable[] {
                      () -> {},
                      () -> {
                        holding.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }
                    }));
    other.start();
    assertTrue(holding.await(10, java.util.concurrent.TimeUnit.SECONDS));
    String[] ranOn = new String[1];
    Lanes.run(new Runnable[] {() -> {}, () -> ranOn[0] = Thread.currentThread().getName()});
    assertEquals(
        Thread.currentThread().getName(), ranOn[0], "worker 1 is busy: its part runs here");
    release.countDown();
    other.join(10_000);
  }

  @Test
  void allocatesNothingPerRun() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] counter = new int[1];
    Runnable[] tasks = {() -> counter[0]++, () -> {}};
    for (int i = 0; i < 20_000; i++) {
      Lanes.run(tasks);
    }
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int i = 0; i < 10_000; i++) {
      Lanes.run(tasks);
    }
    long perRun = (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / 10_000;
    assertTrue(perRun < 8, "bytes per run on the calling thread: " + perRun);
    assertEquals(30_000, counter[0]);
  }
}
