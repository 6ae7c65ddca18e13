package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Generated networks with the classic layers and heads: gradients, modes and counts. */
class ClassicLayersTest {
  @Test
  void normsActivationsAndGlobalPoolingInTrainingMode() {
    Model net = new TinyClassics_NormsModel(DataType.DOUBLE, 1);
    GradientCheck.check(
        net, GradientCheck.input(net, 4, 1), GradientCheck.labels(net, 4, 2), 30, 1e-5);
  }

  @Test
  void batchNormResidualVariants() {
    Model net = new TinyClassics_ResidualsModel(DataType.DOUBLE, 2);
    assertTrue(net.parameters().list().stream().anyMatch(p -> p.name().equals("basic.bn1.weight")));
    assertTrue(
        net.parameters().list().stream()
            .anyMatch(p -> p.name().equals("bottleneck.shortcut_bn.bias")));
    GradientCheck.check(
        net, GradientCheck.input(net, 3, 3), GradientCheck.labels(net, 3, 4), 20, 1e-5);
  }

  @Test
  void binaryHeadTakesZeroOneLabelsOrOneHot() {
    Model net = new TinyClassics_BinaryModel(DataType.DOUBLE, 3);
    assertEquals(HeadType.SIGMOID_BINARY_CROSS_ENTROPY, net.head());
    assertEquals(2, net.classes());
    INDArray x = GradientCheck.input(net, 4, 5);
    INDArray y = Nd4j.createFromArray(new double[][] {{1}, {0}, {0}, {1}});
    GradientCheck.check(net, x, y, 30, 1e-5);
    net.forward(x);
    double fromZeroOne = net.loss(y);
    INDArray oneHot = Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}, {1, 0}, {0, 1}});
    net.forward(x);
    assertEquals(fromZeroOne, net.loss(oneHot), 1e-12);
  }

  @Test
  void meanSquaredErrorHeadWithASoftmaxLayer() {
    Model net = new TinyClassics_RegressionModel(DataType.DOUBLE, 4);
    INDArray x = GradientCheck.input(net, 3, 6);
    INDArray targets = Nd4j.rand(DataType.DOUBLE, 3, 4);
    GradientCheck.check(net, x, targets, 30, 1e-5);
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningAveragesAtInference() {
    Model net = new TinyClassics_NormsModel(DataType.FLOAT, 5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 8, 2, 5, 5).muli(3).addi(2);
    INDArray mean = net.parameters().buffer("conv1.bn.running_mean").value();
    assertEquals(0.0, mean.sumNumber().doubleValue(), 0.0);
    net.setTraining(true);
    INDArray training = net.forward(x).dup();
    assertNotEquals(
        0.0, mean.sumNumber().doubleValue(), "training forward updates the running mean");
    INDArray after = mean.dup();
    net.setTraining(false);
    INDArray inference = net.forward(x).dup();
    assertEquals(after, mean, "inference leaves the running statistics alone");
    assertNotEquals(training, inference);
    assertEquals(inference, net.forward(x).dup(), "inference is deterministic");
  }

  @Test
  void summaryCountsNonTrainableStatisticsApart() {
    // conv1 bn 6 + fc1 bn 4 channels: 2 x 10 running statistics
    assertEquals(20, TinyClassics_NormsModel.BUFFER_COUNT);
    assertTrue(
        TinyClassics_NormsModel.SUMMARY.contains("non-trainable 20"),
        TinyClassics_NormsModel.SUMMARY);
  }

  @Test
  void initialisersFollowTheirRules() {
    Model net = new TinyClassics_NormsModel(DataType.DOUBLE, 6);
    INDArray he = net.parameters().get("conv1.weight").value();
    assertArrayEquals(new long[] {6, 2, 3, 3}, he.shape());
    double bound = Math.sqrt(6.0 / (6 * 9 + 6 * 9));
    INDArray xavier = net.parameters().get("conv2.weight").value();
    assertTrue(xavier.amaxNumber().doubleValue() <= bound, "Xavier uniform stays within its bound");
    assertEquals(
        0.0,
        net.parameters().get("conv2.bias").value().sumNumber().doubleValue(),
        0.0,
        "biases start at zero outside PyTorch's default");
    assertEquals(
        6.0, net.parameters().get("conv1.bn.weight").value().sumNumber().doubleValue(), 0.0);
  }
}
