package dev.netwright.benchmark;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A contender in this JVM: the timing loops, on the calling thread, around a framework's training
 * step and forward pass. Heap per step counts every thread of the JVM (Netwright runs parts of a
 * batch on worker threads); nothing here allocates between the counter's two reads but the two
 * reads themselves, spread over thousands of steps.
 */
abstract class JavaContender implements Contender {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Prepares for training steps (training mode). */
  abstract void startTraining();

  /** One training step on preloaded batch {@code i % Batches.COUNT}. */
  abstract void trainStep(int i);

  /** Prepares for inference (inference mode). */
  abstract void startInference();

  /**
   * One inference-mode forward pass on preloaded batch, or single image, {@code i % Batches.COUNT}.
   */
  abstract void infer(int i, boolean single);

  @Override
  public final Training train(Budget budget) {
    startTraining();
    IntConsumer step = this::trainStep;
    repeat(step, budget.warmupSeconds(), Budget.MIN_WARMUP);
    long[] threads = THREADS.getAllThreadIds();
    long rssBefore = Machine.rssBytes();
    long heapBefore = allocated(threads);
    long start = System.nanoTime();
    int steps = repeat(step, budget.trainSeconds(), Budget.MIN_TIMED);
    long nanos = System.nanoTime() - start;
    long heapAfter = allocated(threads);
    long rssAfter = Machine.rssBytes();
    return new Training(
        steps * (double) Batches.SIZE / (nanos / 1e9),
        (heapAfter - heapBefore) / (double) steps,
        rssAfter - rssBefore);
  }

  // Bytes allocated so far by these threads; a thread that has ended counts 0 at both reads.
  private static long allocated(long[] threads) {
    long sum = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(threads)) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  @Override
  public final double inferImagesPerSecond(Budget budget) {
    startInference();
    IntConsumer call = i -> infer(i, false);
    repeat(call, budget.warmupSeconds(), Budget.MIN_WARMUP);
    long start = System.nanoTime();
    int calls = repeat(call, budget.inferSeconds(), Budget.MIN_TIMED);
    return calls * (double) Batches.SIZE / ((System.nanoTime() - start) / 1e9);
  }

  @Override
  public final double latencyMillis(Budget budget) {
    startInference();
    repeat(i -> infer(i, true), budget.warmupSeconds(), Budget.MIN_WARMUP);
    long[] nanos = new long[1024];
    int calls = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (budget.inferSeconds() * 1e9);
    long now = start;
    while (calls < Budget.MIN_LATENCY_CALLS || now < deadline) {
      if (calls == nanos.length) {
        nanos = Arrays.copyOf(nanos, calls * 2);
      }
      infer(calls, true);
      long end = System.nanoTime();
      nanos[calls++] = end - now;
      now = end;
    }
    return Stats.median(Arrays.copyOf(nanos, calls)) / 1e6;
  }

  /**
   * Calls {@code body(0), body(1), ...} for at least {@code seconds} and {@code minimum} calls;
   * returns the count.
   */
  private static int repeat(IntConsumer body, double seconds, int minimum) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    int n = 0;
    while (n < minimum || System.nanoTime() < deadline) {
      body.accept(n++);
    }
    return n;
  }
}
