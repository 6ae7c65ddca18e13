package dev.netwright.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Loads the real Fashion-MNIST from Debian's {@code dataset-fashion-mnist} package. CI installs it,
 * so a missing package fails this test (with the install hint) rather than skipping it.
 */
class FashionMnistTest {
  @Test
  void trainingSplit() throws IOException {
    Dataset train = IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);

    assertEquals(60_000, train.size());
    assertShape(train);
    int[] perClass = new int[10];
    Arrays.fill(perClass, 6_000);
    assertArrayEquals(perClass, train.classCounts());
    // Fashion-MNIST's published pixel mean is 0.2860; a signed-byte bug would give about 0.0.
    double sum = 0;
    float[] image = new float[train.imageSize()];
    for (int i = 0; i < train.size(); i++) {
      train.copyImage(i, image, 0);
      for (float x : image) {
        sum += x * 0.3081 + 0.1307;
      }
    }
    assertEquals(0.2860, sum / ((double) train.size() * train.imageSize()), 5e-4);

    try (BatchLoader loader = new BatchLoader(train, 64, true, 1, DataType.FLOAT)) {
      assertEquals(938, loader.batchesPerEpoch());
      int batches = 0;
      int last = 0;
      while (loader.hasNext()) {
        last = loader.next().size();
        batches++;
      }
      assertEquals(938, batches);
      assertEquals(60_000 - 937 * 64, last);
    }
  }

  @Test
  void testSplit() throws IOException {
    Dataset test = IdxDirectory.test(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);

    assertEquals(10_000, test.size());
    assertShape(test);
    int[] perClass = new int[10];
    Arrays.fill(perClass, 1_000);
    assertArrayEquals(perClass, test.classCounts());
  }

  private static void assertShape(Dataset data) {
    assertEquals(1, data.channels());
    assertEquals(28, data.height());
    assertEquals(28, data.width());
    assertEquals(10, data.classes());
  }
}
