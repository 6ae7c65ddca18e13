package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.ImageFolder;
import dev.netwright.runtime.data.Normalization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The NumPy tutorial's L-layer network, built from its layer sizes. */
class DenseNetworkTest {
  @Test
  void backwardMatchesCentralDifferences() {
    DenseNetwork net = new DenseNetwork(DataType.DOUBLE, 3, new int[] {2, 3, 3}, 18, 6, 4, 1);
    INDArray x = GradientCheck.input(net, 5, 1);
    INDArray y = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}});
    GradientCheck.check(net, x, y, 40, 1e-5);
  }

  @Test
  void layerSizesAreChecked() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DenseNetwork(DataType.FLOAT, 1, new int[] {3, 64, 64}, 12000, 20, 1));
    assertEquals(
        "the first layer size must be the input's size 12288 (3 x 64 x 64), got 12000",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new DenseNetwork(DataType.FLOAT, 1, new int[] {1, 2, 2}, 4, 3, 2));
  }

  @Test
  void tutorialInitialisation() {
    DenseNetwork net = new DenseNetwork(DataType.DOUBLE, 1, new int[] {1, 100, 100}, 10_000, 20, 1);
    double std = net.parameters().get("layer1.weight").value().stdNumber().doubleValue();
    assertEquals(1 / Math.sqrt(10_000), std, 0.02 / Math.sqrt(10_000), "randn / sqrt(fan-in)");
    assertEquals(0.0, net.parameters().get("layer1.bias").value().sumNumber().doubleValue(), 0.0);
  }

  /**
   * A balanced one-class-versus-rest Fashion-MNIST task (trousers against the rest) with layers
   * [784, 20, 7, 5, 1] and the tutorial's full-batch gradient descent: the printed cost falls and
   * predictions by a 0.5 threshold tell the classes apart.
   */
  @Test
  void oneVersusRestFashionMnist() throws IOException {
    Dataset train =
        ImageFolder.oneVersusRest(
            IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.NONE).head(4000),
            1,
            1);
    Dataset test =
        ImageFolder.oneVersusRest(
            IdxDirectory.test(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.NONE), 1, 1);
    DenseNetwork net = new DenseNetwork(DataType.FLOAT, 1, new int[] {1, 28, 28}, 784, 20, 7, 5, 1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    double[] accuracy =
        SmallClassics.fullBatch(
            net, train, test, 601, 0.0075, 1, new PrintStream(log, true, StandardCharsets.UTF_8));
    String out = log.toString(StandardCharsets.UTF_8);
    double first = cost(out, 0);
    double last = cost(out, 600);
    assertTrue(last < 0.8 * first, "the cost falls: " + first + " then " + last + "\n" + out);
    assertTrue(accuracy[1] >= 0.9, "test accuracy " + accuracy[1] + "\n" + out);
  }

  static double cost(String log, int iteration) {
    String key = "Cost after iteration " + iteration + ": ";
    int at = log.indexOf(key);
    assertTrue(at >= 0, "no cost for iteration " + iteration + " in\n" + log);
    return Double.parseDouble(log.substring(at + key.length(), log.indexOf('\n', at)).trim());
  }
}
