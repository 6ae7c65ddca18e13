package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The generated SimpleNet: its backward against central differences, its shapes and its errors. */
class SimpleNetGradientTest {
  @Test
  void backwardMatchesCentralDifferencesInDoublePrecision() {
    SimpleNetModel model = new SimpleNetModel(DataType.DOUBLE, 42);
    INDArray x = GradientCheck.input(model, 3, 1);
    INDArray y = GradientCheck.labels(model, 3, 2);
    GradientCheck.check(model, x, y, 40, 1e-5);
  }

  @Test
  void shapeConstantsAndParameterCountMatchPyTorch() {
    assertEquals(20, SimpleNetModel.CONV2_CHANNELS);
    assertEquals(4, SimpleNetModel.CONV2_HEIGHT);
    assertEquals(10, SimpleNetModel.FC_FEATURES);
    assertEquals(8490, SimpleNetModel.PARAMETER_COUNT); // torchsummary's Total params
    SimpleNetModel model = new SimpleNetModel();
    assertEquals(8490, model.parameters().count());
    assertEquals(
        java.util.List.of(
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"),
        model.parameters().list().stream().map(p -> p.name()).toList());
    assertTrue(model.summary().contains("Parameters: 8,490"));
  }

  @Test
  void wrongInputShapeNamesExpectedAndActual() {
    SimpleNetModel model = new SimpleNetModel();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.forward(Nd4j.zeros(DataType.FLOAT, 64, 784)));
    assertEquals(
        "SimpleNet.forward expects an input [N, 1, 28, 28] with N >= 1, got [64, 784]",
        e.getMessage());
  }

  @Test
  void buffersAreReusedPerBatchSize() {
    SimpleNetModel model = new SimpleNetModel();
    INDArray first = model.forward(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28));
    INDArray again = model.forward(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28));
    INDArray other = model.forward(Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28));
    assertTrue(first == again, "the same batch size reuses the same output buffer");
    assertTrue(first != other);
    assertEquals(5, other.size(0));
  }

  @Test
  void sameSeedSameWeights() {
    assertEquals(
        new SimpleNetModel(DataType.FLOAT, 3).parameters().values(),
        new SimpleNetModel(DataType.FLOAT, 3).parameters().values());
  }
}
