package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GroupedNet: group norm and grouped (depthwise) convolutions in a generated network: its counts,
 * its gradients, and training on Fashion-MNIST (Debian's dataset-fashion-mnist; fails, never skips,
 * without it).
 */
class GroupedNetTest {
  @Test
  void countsFollowTheGroups() {
    // Weights [out, in / groups, k, k]: 16·1·9 + 16·1·9 + 32·16 + 32·8·9, group norms 2·(16 + 16 +
    // 32 + 32),
    // dense 32·10 + 10.
    assertEquals(144 + 144 + 512 + 2304 + 192 + 330, GroupedNetModel.PARAMETER_COUNT);
    assertEquals(0, GroupedNetModel.BUFFER_COUNT);
    // Weights times output positions: 144·28², 144·14², 512·14², 2304·7², then 320.
    assertEquals(112_896 + 28_224 + 100_352 + 112_896 + 320, GroupedNetModel.MULTIPLY_ADDS);
    assertTrue(
        GroupedNetModel.SUMMARY.contains("Conv2d 16->16 3x3 s1 pad 1 groups 16 no bias"),
        GroupedNetModel.SUMMARY);
    assertTrue(
        GroupedNetModel.SUMMARY.contains("GroupNorm 8 groups eps 1.0E-5"), GroupedNetModel.SUMMARY);
    Model net = new GroupedNetModel(DataType.FLOAT, 1);
    assertEquals(
        "[16, 1, 3, 3]",
        java.util.Arrays.toString(net.parameters().get("depthwise.weight").value().shape()));
    assertEquals(
        "[32, 8, 3, 3]",
        java.util.Arrays.toString(net.parameters().get("grouped.weight").value().shape()));
    assertEquals(1.0, net.parameters().get("grouped.gn.weight").value().minNumber().doubleValue());
    assertEquals(0.0, net.parameters().get("grouped.gn.bias").value().maxNumber().doubleValue());
  }

  @Test
  void gradientsMatchCentralDifferences() {
    Model net = new GroupedNetModel(DataType.DOUBLE, 2);
    GradientCheck.check(
        net, GradientCheck.input(net, 3, 3), GradientCheck.labels(net, 3, 4), 20, 1e-5);
  }

  /** Group norm has no batch statistics: an example's output does not depend on its batch. */
  @Test
  void anExampleGivesTheSameOutputInAnyBatch() {
    Model net = new GroupedNetModel(DataType.DOUBLE, 3);
    INDArray batch = GradientCheck.input(net, 5, 5);
    net.setTraining(true);
    INDArray all = net.forward(batch).dup();
    INDArray one =
        net.forward(batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 3))).dup();
    assertEquals(0.0, all.getRow(2).sub(one.getRow(0)).amaxNumber().doubleValue(), 1e-12);
  }

  @Test
  void trainsOnFashionMnist() throws IOException {
    Dataset train =
        IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST).head(6_400);
    Dataset test =
        IdxDirectory.test(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST).head(2_000);
    Model net = new GroupedNetModel(DataType.FLOAT, 1);
    try (BatchLoader trainBatches = new BatchLoader(train, 64, true, 1, DataType.FLOAT);
        BatchLoader testBatches = new BatchLoader(test, 1000, false, 1, DataType.FLOAT)) {
      List<EpochResult> history =
          Trainer.builder()
              .epochs(2)
              .quiet(true)
              .build()
              .fit(net, new Sgd(net.parameters(), 0.05, 0.9), trainBatches);
      double accuracy = Evaluation.of(net, testBatches).accuracy();
      System.out.println(
          "GroupedNet: losses "
              + history.stream().map(EpochResult::loss).toList()
              + ", test accuracy "
              + accuracy);
      assertTrue(history.get(1).loss() < history.get(0).loss(), "mean training losses " + history);
      assertTrue(accuracy >= 0.6, "test accuracy after 200 steps: " + accuracy);
    }
  }
}
