package dev.netwright.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class BatchLoaderTest {
  private static final int N = 10;
  private static final int C = 2;
  private static final int H = 2;
  private static final int W = 3;
  private static final int K = 3;

  /** Image i holds i * 100 + k at flat position k, so every value says where it came from. */
  private static Dataset numbered(int n) {
    int per = C * H * W;
    float[] pixels = new float[n * per];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (i * 7) % K;
      for (int k = 0; k < per; k++) {
        pixels[i * per + k] = i * 100 + k;
      }
    }
    return Dataset.of(C, H, W, K, pixels, labels);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT", "DOUBLE"})
  void everyExampleOncePerEpochWithMatchingFeaturesAndOneHot(DataType dtype) {
    Dataset data = numbered(N);
    try (BatchLoader loader = new BatchLoader(data, 4, true, 42, dtype)) {
      assertEquals(3, loader.batchesPerEpoch());
      for (int epoch = 0; epoch < 3; epoch++) {
        List<Integer> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        while (loader.hasNext()) {
          Batch batch = loader.next();
          sizes.add(batch.size());
          assertEquals(dtype, batch.features().dataType());
          assertEquals(dtype, batch.labels().dataType());
          assertArrayEquals(new long[] {batch.size(), C, H, W}, batch.features().shape());
          assertEquals('c', batch.features().ordering());
          assertArrayEquals(new long[] {batch.size(), K}, batch.labels().shape());
          for (int j = 0; j < batch.size(); j++) {
            int i = batch.indices()[j];
            seen.add(i);
            assertEquals(data.label(i), batch.classes()[j]);
            assertEquals(data.pixel(i, 0, 0, 0), batch.features().getDouble(j, 0, 0, 0));
            assertEquals(data.pixel(i, 1, 1, 2), batch.features().getDouble(j, 1, 1, 2));
            for (int c = 0; c < K; c++) {
              assertEquals(c == data.label(i) ? 1.0 : 0.0, batch.labels().getDouble(j, c));
            }
          }
        }
        assertEquals(List.of(4, 4, 2), sizes, "the last partial batch is kept");
        assertEquals(IntStream.range(0, N).boxed().toList(), seen.stream().sorted().toList());
        loader.reset();
      }
    }
  }

  @Test
  void sameSeedSameOrderAndEachEpochDiffers() {
    Dataset data = numbered(50);
    List<List<Integer>> a = epochs(new BatchLoader(data, 8, true, 7, DataType.FLOAT), 3);
    List<List<Integer>> b = epochs(new BatchLoader(data, 8, true, 7, DataType.FLOAT), 3);
    List<List<Integer>> other = epochs(new BatchLoader(data, 8, true, 8, DataType.FLOAT), 1);

    assertEquals(a, b);
    assertNotEquals(a.get(0), a.get(1));
    assertNotEquals(a.get(1), a.get(2));
    assertNotEquals(a.get(0), other.get(0));
    assertNotEquals(IntStream.range(0, 50).boxed().toList(), a.get(0), "shuffled");
  }

  @Test
  void orderIsWhatAShufflingLoaderServesInThatEpoch() {
    Dataset data = numbered(50);
    List<List<Integer>> served = epochs(new BatchLoader(data, 8, true, 11, DataType.FLOAT), 4);
    for (int epoch = 0; epoch < 4; epoch++) {
      assertEquals(
          served.get(epoch),
          Arrays.stream(BatchLoader.order(50, 11, epoch)).boxed().toList(),
          "epoch " + epoch);
    }
  }

  @Test
  void epochOrderDoesNotDependOnTheBatchSize() {
    Dataset data = numbered(50);
    assertEquals(
        epochs(new BatchLoader(data, 8, true, 3, DataType.FLOAT), 2),
        epochs(new BatchLoader(data, 5, true, 3, DataType.DOUBLE), 2));
  }

  @Test
  void withoutShuffleEveryEpochIsInDatasetOrder() {
    List<Integer> identity = IntStream.range(0, N).boxed().toList();
    assertEquals(
        List.of(identity, identity, identity),
        epochs(new BatchLoader(numbered(N), 3, false, 42, DataType.FLOAT), 3));
  }

  @Test
  void reusesTheSameBatchAndArraysForEachBatchSize() {
    try (BatchLoader loader = new BatchLoader(numbered(N), 4, true, 1, DataType.FLOAT)) {
      Batch first = loader.next();
      INDArray features = first.features();
      INDArray labels = first.labels();
      Batch second = loader.next();
      Batch partial = loader.next();
      loader.reset();
      Batch again = loader.next();

      assertSame(first, second);
      assertSame(first, again);
      assertSame(features, again.features());
      assertSame(labels, again.labels());
      assertSame(features.data(), again.features().data());
      assertNotSame(first, partial);
    }
  }

  @Test
  void nextAllocatesNothingOnTheJavaHeap() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    try (BatchLoader loader = new BatchLoader(numbered(1_000), 64, true, 1, DataType.FLOAT)) {
      drain(loader, 40); // 2.5 epochs of 16 batches: both slots exist, code is warm
      long before = threads.getThreadAllocatedBytes(thread);
      int calls = drain(loader, 1_000);
      double perCall = (threads.getThreadAllocatedBytes(thread) - before) / (double) calls;
      // reset() allocates one SplittableRandom per epoch (about 3 bytes per batch here); next()
      // itself nothing.
      assertTrue(perCall < 8, "next() allocated " + perCall + " bytes per call");
    }
  }

  @Test
  void normalisationReachesTheBatch() {
    byte[] raw = {0, (byte) 255, 51, 102};
    float[] pixels = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      pixels[i] = Normalization.MNIST.apply(raw[i] & 0xff);
    }
    Dataset data = Dataset.of(1, 2, 2, 2, pixels, new int[] {1});
    try (BatchLoader loader = new BatchLoader(data, 8, false, 0, DataType.FLOAT)) {
      Batch batch = loader.next();
      assertEquals(1, batch.size());
      assertArrayEquals(
          new float[] {
            (0f - 0.1307f) / 0.3081f,
            (1f - 0.1307f) / 0.3081f,
            (0.2f - 0.1307f) / 0.3081f,
            (0.4f - 0.1307f) / 0.3081f
          },
          batch.features().data().asFloat(),
          1e-6f);
      assertArrayEquals(new float[] {0f, 1f}, batch.labels().data().asFloat());
    }
  }

  @Test
  void nextAfterTheEpochSaysToReset() {
    try (BatchLoader loader = new BatchLoader(numbered(N), 8, true, 1, DataType.FLOAT)) {
      drain(loader, 2);
      assertFalse(loader.hasNext());
      NoSuchElementException e = assertThrows(NoSuchElementException.class, loader::next);
      assertTrue(
          e.getMessage()
              .contains(
                  "epoch 0 is over: all 10 examples were served in 2 " + "batches; call reset()"),
          e.getMessage());
    }
  }

  @Test
  void rejectsBadArgumentsAndUseAfterClose() {
    Dataset data = numbered(N);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchLoader(data, 0, true, 1, DataType.FLOAT));
    assertTrue(e.getMessage().contains("batchSize = 0; expected at least 1"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchLoader(data, 4, true, 1, DataType.BFLOAT16));
    assertTrue(
        e.getMessage().contains("dtype = BFLOAT16; expected FLOAT (training) or DOUBLE"),
        e.getMessage());

    BatchLoader loader = new BatchLoader(data, 4, true, 1, DataType.FLOAT);
    loader.next();
    loader.close();
    loader.close();
    assertFalse(loader.hasNext());
    assertThrows(IllegalStateException.class, loader::next);
  }

  /** Takes {@code batches} batches, resetting at each epoch's end; returns the count. */
  private static int drain(BatchLoader loader, int batches) {
    for (int b = 0; b < batches; b++) {
      if (!loader.hasNext()) {
        loader.reset();
      }
      loader.next();
    }
    return batches;
  }

  /** The visiting order of the first {@code count} epochs; closes the loader. */
  private static List<List<Integer>> epochs(BatchLoader loader, int count) {
    try (loader) {
      List<List<Integer>> orders = new ArrayList<>();
      for (int epoch = 0; epoch < count; epoch++) {
        if (epoch > 0) {
          loader.reset();
        }
        assertEquals(epoch, loader.epoch());
        List<Integer> order = new ArrayList<>();
        while (loader.hasNext()) {
          Arrays.stream(loader.next().indices()).forEach(order::add);
        }
        orders.add(order);
      }
      return orders;
    }
  }
}
