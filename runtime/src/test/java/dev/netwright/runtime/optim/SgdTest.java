package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class SgdTest {
  private static Parameters twoParameters(DataType dtype) {
    Parameters p = Parameters.builder(dtype).add("w", 2, 2, 2).add("b", 2, 2).build();
    p.values().assign(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0, 6.0).castTo(dtype));
    return p;
  }

  private static void setGradients(Parameters p, double... g) {
    p.gradients().assign(Nd4j.createFromArray(g).castTo(p.values().dataType()));
  }

  @Test
  void plainStepIsParameterMinusLearningRateTimesGradient() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = new Sgd(p, 0.1, 0);
    setGradients(p, 0.5, -1.0, 2.0, 0.0, 1.0, -0.5);
    sgd.step();
    // 1 - 0.1*0.5, 2 + 0.1*1, 3 - 0.1*2, 4, 5 - 0.1*1, 6 + 0.1*0.5
    assertArrayEquals(new double[] {0.95, 2.1, 2.8, 4.0, 4.9, 6.05}, p.values().toDoubleVector(), 1e-12);
    assertNull(sgd.velocity());
    assertEquals(0.1, sgd.learningRate());
  }

  @Test
  void plainStepUpdatesTheNamedViews() {
    Parameters p = twoParameters(DataType.FLOAT);
    setGradients(p, 1, 1, 1, 1, 10, 20);
    new Sgd(p, 0.5, 0).step();
    assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5}, p.get("w").value().reshape(4).toDoubleVector(), 1e-6);
    assertArrayEquals(new double[] {0.0, -4.0}, p.get("b").value().toDoubleVector(), 1e-6);
  }

  @Test
  void momentumFollowsPyTorchOverSeveralSteps() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = new Sgd(p, 0.1, 0.9);
    // First scalar by hand: v1 = 0.5, p1 = 1 - 0.05 = 0.95; v2 = 0.45 - 1 = -0.55, p2 = 0.95 + 0.055 = 1.005;
    // v3 = -0.495 + 2 = 1.505, p3 = 1.005 - 0.1505 = 0.8545.
    double[][] grads = {
      {0.5, 1, 0, -2, 3, 0.25},
      {-1.0, 1, 1, -2, -3, 0.25},
      {2.0, 1, 0, 4, 0.5, -0.75},
    };
    double[] expectP = {1, 2, 3, 4, 5, 6};
    double[] expectV = new double[6];
    for (double[] g : grads) {
      setGradients(p, g);
      sgd.step();
      for (int i = 0; i < 6; i++) {
        expectV[i] = 0.9 * expectV[i] + g[i];
        expectP[i] -= 0.1 * expectV[i];
      }
      assertArrayEquals(expectV, sgd.velocity().toDoubleVector(), 1e-12);
      assertArrayEquals(expectP, p.values().toDoubleVector(), 1e-12);
    }
    assertEquals(0.8545, p.values().getDouble(0), 1e-12);
    assertEquals(1.505, sgd.velocity().getDouble(0), 1e-12);
  }

  @Test
  void momentumWorksInFloat() {
    Parameters p = twoParameters(DataType.FLOAT);
    Sgd sgd = new Sgd(p, 0.1, 0.9);
    setGradients(p, 0.5, 0, 0, 0, 0, 0);
    sgd.step();
    setGradients(p, -1.0, 0, 0, 0, 0, 0);
    sgd.step();
    assertEquals(1.005, p.values().getDouble(0), 1e-6);
    assertEquals(DataType.FLOAT, sgd.velocity().dataType());
  }

  @Test
  void velocityStartsAtZeroAndZeroGradientsChangeNothing() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = new Sgd(p, 0.3, 0.5);
    assertEquals(0.0, sgd.velocity().sumNumber().doubleValue());
    sgd.step();
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, p.values().toDoubleVector(), 0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsLearningRatesThatAreNotPositiveNumbers(double lr) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(p, lr, 0));
    assertTrue(e.getMessage().contains("learning rate must be a positive number"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(lr)), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void rejectsMomentumOutsideZeroToOne(double momentum) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(p, 0.1, momentum));
    assertTrue(e.getMessage().contains("momentum must be in [0, 1)"), e.getMessage());
  }
}
