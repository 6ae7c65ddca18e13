package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The lecture's InceptionNet and ResNet, one full Fashion-MNIST epoch with the lecture's settings
 * (batch 64, SGD lr 0.01, momentum 0.5). PyTorch reaches 78.0% and 81.3%; we require 77% and 80%.
 * Needs Debian's dataset-fashion-mnist (CI installs it): fails, never skips, without it.
 */
class LectureNetworksTrainingTest {
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void load() throws IOException {
    train = IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);
    test = IdxDirectory.test(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);
  }

  private static double oneEpoch(Model net, long seed) {
    try (BatchLoader batches = new BatchLoader(train, 64, true, seed, DataType.FLOAT);
        BatchLoader tests = new BatchLoader(test, 1000, false, seed, DataType.FLOAT)) {
      Trainer.builder()
          .epochs(1)
          .quiet(true)
          .build()
          .fit(net, new Sgd(net.parameters(), 0.01, 0.5), batches);
      return Evaluation.of(net, tests).accuracy();
    }
  }

  @Test
  void inceptionNetReachesPyTorchsAccuracy() {
    double accuracy = oneEpoch(new InceptionNetModel(DataType.FLOAT, 1), 1);
    assertTrue(accuracy >= 0.77, "InceptionNet test accuracy after one epoch: " + accuracy);
  }

  @Test
  void resNetReachesPyTorchsAccuracy() {
    double accuracy = oneEpoch(new ResNetModel(DataType.FLOAT, 1), 1);
    assertTrue(accuracy >= 0.80, "ResNet test accuracy after one epoch: " + accuracy);
  }
}
