package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * SimpleNet with the PyTorch lecture's settings (batch 64, SGD lr 0.01, momentum 0.5) trained for
 * one epoch on the full Fashion-MNIST training set. PyTorch reaches 80.4% with the same network and
 * settings; we require 79%. The Debian package dataset-fashion-mnist must be installed (CI installs
 * it): this test fails, never skips, without it.
 */
class SimpleNetTrainingTest {
  @Test
  void oneEpochReachesPyTorchsAccuracy() throws IOException {
    Dataset train = IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);
    Dataset test = IdxDirectory.test(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST);
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 1);
    try (BatchLoader trainBatches = new BatchLoader(train, 64, true, 1, DataType.FLOAT);
        BatchLoader testBatches = new BatchLoader(test, 1000, false, 1, DataType.FLOAT)) {
      List<EpochResult> history =
          Trainer.builder()
              .epochs(1)
              .quiet(true)
              .build()
              .fit(net, new Sgd(net.parameters(), 0.01, 0.5), trainBatches, testBatches);
      double accuracy = Evaluation.of(net, testBatches).accuracy();
      assertTrue(accuracy >= 0.79, "test accuracy after one epoch: " + accuracy);
      assertTrue(history.get(0).loss() < 0.8, "mean training loss: " + history.get(0).loss());
    }
  }
}
