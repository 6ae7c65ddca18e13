package dev.netwright.samples.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.samples.SimpleNetModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * 10,000 training steps through the Trainer (100,000 with {@code -Dnetwright.long=true}) on one
 * ND4J thread, and split across two: after 1,000 steps of warm-up, the heap after a full
 * collection, the process's resident memory and the native memory JavaCPP tracks stay flat, and the
 * Java garbage per step, over all threads, is under 1 KiB. Prints the measurements.
 */
class LongRunTest {
  private static final int STEPS = Boolean.getBoolean("netwright.long") ? 100_000 : 10_000;
  private static final int WARM_UP = 1_000;
  private static final int SAMPLES = 10;
  private static final long MB = 1 << 20;
  private static int previousThreads;

  @BeforeAll
  static void rememberThreads() {
    previousThreads = Threads.current();
  }

  @AfterAll
  static void restoreThreads() {
    Threads.set(previousThreads);
  }

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of(
            "NormDrop, batch 16",
            (Supplier<Model>) () -> new FireNets_NormDropModel(DataType.FLOAT, 1),
            16,
            1),
        Arguments.of(
            "SimpleNet, batch 4",
            (Supplier<Model>) () -> new SimpleNetModel(DataType.FLOAT, 1),
            4,
            1),
        Arguments.of(
            "SimpleNet, batch 16 in two parts",
            (Supplier<Model>) () -> new SimpleNetModel(DataType.FLOAT, 1),
            16,
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void memoryStaysFlat(String name, Supplier<Model> make, int batch, int nativeThreads) {
    Threads.set(nativeThreads);
    var threads = ManagementFactory.getThreadMXBean();
    assumeTrue(
        threads instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
    var counter = (com.sun.management.ThreadMXBean) threads;
    Model net = make.get();
    assertEquals(
        nativeThreads, ((dev.netwright.runtime.model.GeneratedModel<?>) net).parts(batch), name);
    int stepsPerEpoch = 100;
    int every = STEPS / SAMPLES;
    // step, allocated bytes, heap after GC, JavaCPP's physicalBytes, JavaCPP-tracked bytes, VmRSS
    List<long[]> samples = new ArrayList<>();
    long[] started = new long[1];
    try (BatchLoader batches =
        new BatchLoader(data(net, stepsPerEpoch * batch), batch, true, 1, DataType.FLOAT)) {
      Trainer.builder()
          .epochs(STEPS / stepsPerEpoch)
          .quiet(true)
          .listener(
              (EpochResult r) -> {
                int step = r.epoch() * stepsPerEpoch;
                if (step == WARM_UP) {
                  started[0] = System.nanoTime();
                }
                if (step >= WARM_UP && step % every == 0 || step == WARM_UP) {
                  long allocated = allocatedByAllThreads(counter);
                  System.gc();
                  System.gc();
                  long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  samples.add(
                      new long[] {
                        step,
                        allocated,
                        heap,
                        Pointer.physicalBytes(),
                        Pointer.totalBytes(),
                        vmRss()
                      });
                }
              })
          .build()
          .fit(net, new Sgd(net.parameters(), 0.01, 0.9), batches);
    }
    double seconds = (System.nanoTime() - started[0]) / 1e9;
    long[] first = samples.get(0);
    long[] last = samples.get(samples.size() - 1);
    assertEquals(STEPS, last[0]);
    long steps = last[0] - first[0];
    long bytesPerStep = (last[1] - first[1]) / steps;
    long heapMin = samples.stream().mapToLong(s -> s[2]).min().orElseThrow();
    long heapMax = samples.stream().mapToLong(s -> s[2]).max().orElseThrow();
    long rssGrowth = last[3] - first[3];
    long rssMax = samples.stream().mapToLong(s -> s[3]).max().orElseThrow();
    long vmRssGrowth = last[5] - first[5];
    long nativeGrowth = last[4] - first[4];
    String report =
        String.format(
            Locale.ROOT,
            "long run, %s: %,d steps (%,.0f steps/s after warm-up): %,d bytes of"
                + " Java garbage per step; heap after GC %.1f to %.1f MB; Pointer.physicalBytes() %.1f MB after %,d"
                + " steps, %.1f MB after %,d (%+.1f MB, peak %.1f MB); VmRSS %+.1f MB to %.1f MB; JavaCPP-tracked"
                + " native memory %+.2f MB",
            name,
            STEPS,
            steps / seconds,
            bytesPerStep,
            heapMin / (double) MB,
            heapMax / (double) MB,
            first[3] / (double) MB,
            first[0],
            last[3] / (double) MB,
            last[0],
            rssGrowth / (double) MB,
            rssMax / (double) MB,
            vmRssGrowth / (double) MB,
            last[5] / (double) MB,
            nativeGrowth / (double) MB);
    System.out.println(report);
    assertTrue(bytesPerStep < 1024, report);
    assertTrue(heapMax - heapMin < 4 * MB, report);
    assertTrue(rssGrowth < 64 * MB && rssMax - first[3] < 64 * MB, report);
    assertTrue(last[5] < 0 || vmRssGrowth < 64 * MB, report);
    assertTrue(Math.abs(nativeGrowth) < MB, report);
  }

  // Parts of a split batch run on worker threads: their garbage counts too.
  private static long allocatedByAllThreads(com.sun.management.ThreadMXBean counter) {
    long sum = 0;
    for (long bytes : counter.getThreadAllocatedBytes(counter.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  /** The resident set size from /proc/self/status (Linux), or -1 elsewhere. */
  private static long vmRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** {@code n} random examples of the network's input shape and classes. */
  static Dataset data(Model net, int n) {
    int[] s = net.inputShape();
    SplittableRandom r = new SplittableRandom(2);
    float[] pixels = new float[n * s[0] * s[1] * s[2]];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(net.classes());
    }
    return Dataset.of(s[0], s[1], s[2], net.classes(), pixels, labels);
  }
}
