package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ring allreduce between threads of one JVM on 127.0.0.1, without Spark. */
class RingAllreduceTest {
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() throws InterruptedException {
    POOL.shutdownNow();
    assertTrue(POOL.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** Opens one socket per rank and joins them all, each on its own thread. */
  private static List<RingAllreduce> ring(int size, String[] jobs, long timeoutMillis)
      throws Exception {
    List<ServerSocketChannel> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      servers.add(RingAllreduce.listen("127.0.0.1"));
      addresses.add(RingAllreduce.address(servers.get(r)));
    }
    List<Future<RingAllreduce>> joined = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      int rank = r;
      joined.add(
          POOL.submit(
              () ->
                  RingAllreduce.join(
                      rank, addresses, servers.get(rank), jobs[rank], timeoutMillis, () -> false)));
    }
    List<RingAllreduce> out = new ArrayList<>();
    for (Future<RingAllreduce> f : joined) {
      out.add(f.get(20, TimeUnit.SECONDS));
    }
    return out;
  }

  private static String[] same(int size) {
    String[] jobs = new String[size];
    java.util.Arrays.fill(jobs, "test job");
    return jobs;
  }

  @Test
  void everyRankEndsWithTheSameWeightedSumBitForBit() throws Exception {
    for (int size : new int[] {1, 2, 3, 5}) {
      for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
        int n = 1_003; // not a multiple of any ring size: uneven chunks
        List<RingAllreduce> ring = ring(size, same(size), 10_000);
        INDArray[] arrays = new INDArray[size];
        double[] expected = new double[n];
        SplittableRandom random = new SplittableRandom(size);
        for (int r = 0; r < size; r++) {
          double[] values = random.doubles(n, -1, 1).toArray();
          arrays[r] = Nd4j.createFromArray(values).castTo(type);
          for (int i = 0; i < n; i++) {
            expected[i] += arrays[r].getDouble(i) * (r + 1) / 10.0;
          }
        }
        List<Future<?>> calls = new ArrayList<>();
        for (int r = 0; r < size; r++) {
          int rank = r;
          calls.add(
              POOL.submit(
                  () -> {
                    ring.get(rank).sum(arrays[rank], (rank + 1) / 10.0);
                    return null;
                  }));
        }
        for (Future<?> f : calls) {
          f.get(20, TimeUnit.SECONDS);
        }
        double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
        for (int i = 0; i < n; i++) {
          assertEquals(expected[i], arrays[0].getDouble(i), tolerance, "element " + i);
        }
        for (int r = 1; r < size; r++) {
          assertArrayEquals(
              arrays[0].data().asBytes(), arrays[r].data().asBytes(), "rank " + r + " of " + size);
          assertEquals(
              size == 1 ? 0 : 2L * (size - 1) * n / size,
              ring.get(r).bytesSent() / (type == DataType.FLOAT ? 4 : 8),
              1.0,
              "2(P-1)/P of the array sent");
        }
        ring.forEach(RingAllreduce::close);
      }
    }
  }

  @Test
  void aRankOfAnotherJobIsRefusedNamingBoth() throws Exception {
    Exception e =
        assertThrows(Exception.class, () -> ring(2, new String[] {"epoch 1", "epoch 2"}, 5_000));
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    assertTrue(cause instanceof IOException, cause.toString());
    assertTrue(cause.getMessage().contains("of job 'epoch"), cause.getMessage());
  }

  @Test
  void aSilentPeerTimesOutAndAClosedPeerIsNamed() throws Exception {
    List<RingAllreduce> ring = ring(2, same(2), 500);
    INDArray a = Nd4j.create(DataType.FLOAT, 10_000);
    long start = System.nanoTime();
    IOException silent = assertThrows(SocketTimeoutException.class, () -> ring.get(0).sum(a, 1));
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "bounded wait");
    assertTrue(silent.getMessage().contains("no progress"), silent.getMessage());
    ring.get(0).close();
    IOException closed =
        assertThrows(
            IOException.class, () -> ring.get(1).sum(Nd4j.create(DataType.FLOAT, 10_000), 1));
    assertTrue(closed.getMessage().contains("closed its connection"), closed.getMessage());
    ring.get(1).close();
  }

  @Test
  void aCancelledTaskStopsWaiting() throws Exception {
    ServerSocketChannel s0 = RingAllreduce.listen("127.0.0.1");
    ServerSocketChannel s1 = RingAllreduce.listen("127.0.0.1");
    List<String> addresses = List.of(RingAllreduce.address(s0), RingAllreduce.address(s1));
    Future<RingAllreduce> other =
        POOL.submit(() -> RingAllreduce.join(1, addresses, s1, "j", 60_000, () -> false));
    try (RingAllreduce r0 = RingAllreduce.join(0, addresses, s0, "j", 60_000, () -> true);
        RingAllreduce r1 = other.get(10, TimeUnit.SECONDS)) {
      IOException e =
          assertThrows(IOException.class, () -> r0.sum(Nd4j.create(DataType.FLOAT, 100), 1));
      assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    }
  }
}
