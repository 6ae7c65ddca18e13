package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
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
    assertArrayEquals(
        new double[] {0.95, 2.1, 2.8, 4.0, 4.9, 6.05}, p.values().toDoubleVector(), 1e-12);
    assertNull(sgd.velocity());
    assertEquals(0.1, sgd.learningRate());
  }

  @Test
  void plainStepUpdatesTheNamedViews() {
    Parameters p = twoParameters(DataType.FLOAT);
    setGradients(p, 1, 1, 1, 1, 10, 20);
    new Sgd(p, 0.5, 0).step();
    assertArrayEquals(
        new double[] {0.5, 1.5, 2.5, 3.5}, p.get("w").value().reshape(4).toDoubleVector(), 1e-6);
    assertArrayEquals(new double[] {0.0, -4.0}, p.get("b").value().toDoubleVector(), 1e-6);
  }

  @Test
  void momentumFollowsPyTorchOverSeveralSteps() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = new Sgd(p, 0.1, 0.9);
    // First scalar by hand: v1 = 0.5, p1 = 1 - 0.05 = 0.95; v2 = 0.45 - 1 = -0.55, p2 = 0.95 +
    // 0.055 = 1.005;
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

  // The gradients of momentumFollowsPyTorchOverSeveralSteps; expected values from PyTorch's
  // documented SGD algorithm evaluated in double precision (Python floats).
  private static final double[][] GRADIENTS = {
    {0.5, 1, 0, -2, 3, 0.25},
    {-1.0, 1, 1, -2, -3, 0.25},
    {2.0, 1, 0, 4, 0.5, -0.75},
  };

  private static void assertSteps(
      Parameters p, Optimizer optimizer, double[][] expected, double tolerance) {
    for (int t = 0; t < GRADIENTS.length; t++) {
      setGradients(p, GRADIENTS[t]);
      optimizer.step();
      assertArrayEquals(
          expected[t], p.values().toDoubleVector(), tolerance, "after step " + (t + 1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void nesterovFollowsPyTorch(String dtype) {
    // First scalar by hand: v1 = 0.5, p1 = 1 - 0.1*(0.5 + 0.9*0.5) = 0.905; v2 = 0.45 - 1 = -0.55,
    // p2 = 0.905 - 0.1*(-1 - 0.495) = 1.0545; v3 = -0.495 + 2 = 1.505, p3 = 1.0545 - 0.1*(2 +
    // 1.3545) = 0.71905.
    Parameters p = twoParameters(DataType.valueOf(dtype));
    Sgd sgd = Sgd.builder(p, 0.1).momentum(0.9).nesterov(true).build();
    assertSteps(
        p,
        sgd,
        new double[][] {
          {0.905, 1.81, 3.0, 4.38, 4.43, 5.9525},
          {1.0545, 1.539, 2.81, 4.922, 4.757, 5.88475},
          {0.71905, 1.1951, 2.729, 4.4698, 4.6863, 5.988775},
        },
        dtype.equals("DOUBLE") ? 1e-12 : 2e-6);
    // The velocity is the plain momentum buffer; Nesterov only changes the step taken.
    assertEquals(1.505, sgd.velocity().getDouble(0), dtype.equals("DOUBLE") ? 1e-12 : 1e-6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void weightDecayIsL2AddedToTheGradient(String dtype) {
    // p1 = 1 - 0.1*(0.5 + 0.01*1) = 0.949; p2 = 0.949 - 0.1*(-1 + 0.00949) = 1.048051.
    Parameters p = twoParameters(DataType.valueOf(dtype));
    assertSteps(
        p,
        Sgd.builder(p, 0.1).weightDecay(0.01).build(),
        new double[][] {
          {0.949, 1.898, 2.997, 4.196, 4.695, 5.969},
          {1.048051, 1.796102, 2.894003, 4.391804, 4.990305, 5.938031},
          {0.847002949, 1.694305898, 2.891108997, 3.987412196, 4.935314695, 6.007092969},
        },
        dtype.equals("DOUBLE") ? 1e-12 : 2e-6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void weightDecayEntersTheVelocity(String dtype) {
    // v1 = 0.5 + 0.01 = 0.51, p1 = 0.949; v2 = 0.459 - 1 + 0.00949 = -0.53151, p2 = 1.002151.
    Parameters p = twoParameters(DataType.valueOf(dtype));
    assertSteps(
        p,
        Sgd.builder(p, 0.1).momentum(0.9).weightDecay(0.01).build(),
        new double[][] {
          {0.949, 1.898, 2.997, 4.196, 4.695, 5.969},
          {1.002151, 1.704302, 2.891303, 4.568204, 4.715805, 5.910131},
          {0.848984749, 1.428269498, 2.793284397, 4.498619396, 4.679813695, 5.926238769},
        },
        dtype.equals("DOUBLE") ? 1e-12 : 2e-6);
  }

  @Test
  void nesterovWithWeightDecay() {
    // g1 = 0.51, v1 = 0.51, p1 = 1 - 0.1*(0.51 + 0.459) = 0.9031.
    Parameters p = twoParameters(DataType.DOUBLE);
    assertSteps(
        p,
        Sgd.builder(p, 0.1).momentum(0.9).nesterov(true).weightDecay(0.01).build(),
        new double[][] {
          {0.9031, 1.8062, 2.9943, 4.3724, 4.4205, 5.9411},
          {1.05007411, 1.53014822, 2.79618083, 4.90285244, 4.73505105, 5.85720191},
          {
            0.7111684581909998,
            1.180419916382,
            2.705255703423,
            4.434879376364,
            4.648128848005,
            5.940911935371
          },
        },
        1e-12);
  }

  @Test
  void weightDecayCanSkipParametersByNameSuffix() {
    // "w" (first four scalars) decays; "b" steps as without decay: 5 - 0.1*3, 6 - 0.1*0.25.
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = Sgd.builder(p, 0.1).momentum(0.9).nesterov(true).weightDecay(0.01, "b").build();
    setGradients(p, GRADIENTS[0]);
    sgd.step();
    assertArrayEquals(
        new double[] {
          0.9031, 1.8062, 2.9943, 4.3724, 5 - 0.1 * (3 + 0.9 * 3), 6 - 0.1 * (0.25 + 0.9 * 0.25)
        },
        p.values().toDoubleVector(),
        1e-12);
    Parameters plain = twoParameters(DataType.DOUBLE);
    Sgd noMomentum = Sgd.builder(plain, 0.1).weightDecay(0.01, "b").build();
    setGradients(plain, GRADIENTS[0]);
    noMomentum.step();
    assertArrayEquals(
        new double[] {0.949, 1.898, 2.997, 4.196, 4.7, 5.975},
        plain.values().toDoubleVector(),
        1e-12);
  }

  @Test
  void gradientsAreReadNotModified() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Sgd sgd = Sgd.builder(p, 0.1).momentum(0.9).nesterov(true).weightDecay(0.5).build();
    setGradients(p, GRADIENTS[0]);
    sgd.step();
    assertArrayEquals(GRADIENTS[0], p.gradients().toDoubleVector(), 0);
  }

  @Test
  void theConstructorIsTheBuilderWithMomentum() {
    Parameters a = twoParameters(DataType.DOUBLE);
    Parameters b = twoParameters(DataType.DOUBLE);
    Optimizer viaConstructor = new Sgd(a, 0.1, 0.9);
    Optimizer viaBuilder = Sgd.builder(b, 0.1).momentum(0.9).build();
    for (double[] g : GRADIENTS) {
      setGradients(a, g);
      setGradients(b, g);
      viaConstructor.step();
      viaBuilder.step();
    }
    assertEquals(a.values(), b.values());
    assertEquals(3, viaConstructor.steps());
  }

  @Test
  void rejectsNesterovWithoutMomentum() {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Sgd.builder(p, 0.1).nesterov(true).build());
    assertTrue(
        e.getMessage().contains("Nesterov momentum needs a momentum above 0"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1e-4, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsWeightDecayThatIsNotANonNegativeNumber(double weightDecay) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Sgd.builder(p, 0.1).weightDecay(weightDecay).build());
    assertTrue(
        e.getMessage().contains("weight decay must be a non-negative number, got " + weightDecay),
        e.getMessage());
  }

  @Test
  void rejectsExclusionsThatMatchNoParameter() {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Sgd.builder(p, 0.1).weightDecay(1e-4, ".bias").build());
    assertTrue(
        e.getMessage().contains("no parameter name ends with '.bias'")
            && e.getMessage().contains("[w, b]"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsLearningRatesThatAreNotPositiveNumbers(double lr) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sgd(p, lr, 0));
    assertTrue(e.getMessage().contains("learning rate must be a positive number"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(lr)), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void rejectsMomentumOutsideZeroToOne(double momentum) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sgd(p, 0.1, momentum));
    assertTrue(e.getMessage().contains("momentum must be in [0, 1)"), e.getMessage());
  }
}
