package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.runtime.train.TrainingDivergedException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** A loss that goes non-finite stops training with the step and the node that went first. */
class DivergenceTest {
  @Test
  void hugeLearningRateNamesTheStepAndTheFirstNonFiniteNode() throws IOException {
    Dataset train =
        IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST).head(640);
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 1);
    try (BatchLoader batches = new BatchLoader(train, 64, true, 1, DataType.FLOAT)) {
      TrainingDivergedException e =
          assertThrows(
              TrainingDivergedException.class,
              () ->
                  Trainer.builder()
                      .epochs(3)
                      .quiet(true)
                      .build()
                      .fit(net, new Sgd(net.parameters(), 1e9, 0.9), batches));
      assertTrue(e.node() != null && !e.node().equals("input"), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains("the first node whose output is not finite is '" + e.node() + "'"),
          e.getMessage());
      assertTrue(e.getMessage().contains("at step " + e.step()), e.getMessage());
    }
  }

  /** Max pooling and ReLU would swallow a NaN pixel: forward refuses it, naming where it is. */
  @Test
  void nonFiniteInputIsRefusedWithItsPlaceAndNothingIsUpdated() {
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 2);
    float[] before = net.parameters().values().toFloatVector();
    float[] pixels = new float[64 * 784];
    int[] labels = new int[64];
    pixels[5 * 784 + 10 * 28 + 20] = Float.NaN;
    Dataset poisoned = Dataset.of(1, 28, 28, 10, pixels, labels);
    try (BatchLoader batches = new BatchLoader(poisoned, 64, false, 1, DataType.FLOAT)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  Trainer.builder()
                      .epochs(1)
                      .quiet(true)
                      .build()
                      .fit(net, new Sgd(net.parameters(), 0.01, 0.5), batches));
      assertEquals(
          "SimpleNet.forward: the input holds NaN at example 5, channel 0, row 10, column 20; a"
              + " network cannot learn from non-finite values: clean the data or check its normalisation",
          e.getMessage());
    }
    assertArrayEquals(before, net.parameters().values().toFloatVector());
    net.forward(Nd4j.zeros(DataType.FLOAT, 2, 1, 28, 28));
    assertEquals(null, net.firstNonFinite());
  }
}
