package dev.netwright.benchmark;

import dev.netwright.spark.RingAllreduce;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ring allreduce alone, two ranks on loopback in this JVM: median time per call by size. */
final class RingBench {
  private RingBench() {}

  /** A size in float32 values and the median seconds per allreduce of it. */
  record Point(long floats, double seconds) {}

  /** The sizes of SimpleNet's and ResNet's gradients, and larger ones to see the bandwidth. */
  static List<Point> measure() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    List<Point> points = new ArrayList<>();
    try {
      ServerSocketChannel s0 = RingAllreduce.listen("127.0.0.1");
      ServerSocketChannel s1 = RingAllreduce.listen("127.0.0.1");
      List<String> addresses = List.of(RingAllreduce.address(s0), RingAllreduce.address(s1));
      Future<RingAllreduce> peer =
          pool.submit(() -> RingAllreduce.join(1, addresses, s1, "bench", 30_000, () -> false));
      try (RingAllreduce r0 = RingAllreduce.join(0, addresses, s0, "bench", 30_000, () -> false);
          RingAllreduce r1 = peer.get(30, TimeUnit.SECONDS)) {
        for (int n : new int[] {8_490, 41_514, 262_144, 1_048_576, 4_194_304}) {
          INDArray a = Nd4j.create(DataType.FLOAT, n);
          INDArray b = Nd4j.create(DataType.FLOAT, n);
          int reps = n > 1_000_000 ? 30 : 300;
          double[] times = new double[reps];
          Future<?> other =
              pool.submit(
                  () -> {
                    for (int i = 0; i < reps + 5; i++) {
                      r1.sum(b, 1);
                    }
                    return null;
                  });
          for (int i = 0; i < reps + 5; i++) { // 5 to warm up
            long t0 = System.nanoTime();
            r0.sum(a, 1);
            if (i >= 5) {
              times[i - 5] = (System.nanoTime() - t0) / 1e9;
            }
          }
          other.get(60, TimeUnit.SECONDS);
          Arrays.sort(times);
          points.add(new Point(n, times[reps / 2]));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return points;
  }
}
