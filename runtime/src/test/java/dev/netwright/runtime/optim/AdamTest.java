package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam and AdamW against PyTorch's documented algorithms (torch.optim.Adam, torch.optim.AdamW),
 * evaluated in double precision with Python floats in the m̂ / (√v̂ + ε) form of the docs.
 */
class AdamTest {
  private static final double[][] GRADIENTS = {
    {0.5, 1, 0, -2, 3, 0.25},
    {-1.0, 1, 1, -2, -3, 0.25},
    {2.0, 1, 0, 4, 0.5, -0.75},
  };

  private static Parameters twoParameters(DataType dtype) {
    Parameters p = Parameters.builder(dtype).add("w", 2, 2, 2).add("b", 2, 2).build();
    p.values().assign(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0, 6.0).castTo(dtype));
    return p;
  }

  private static void setGradients(Parameters p, double... g) {
    p.gradients().assign(Nd4j.createFromArray(g).castTo(p.values().dataType()));
  }

  private static void assertSteps(
      String dtype, Function<Parameters, Optimizer> make, double[][] expected) {
    Parameters p = twoParameters(DataType.valueOf(dtype));
    Optimizer optimizer = make.apply(p);
    for (int t = 0; t < GRADIENTS.length; t++) {
      setGradients(p, GRADIENTS[t]);
      optimizer.step();
      assertArrayEquals(
          expected[t],
          p.values().toDoubleVector(),
          dtype.equals("DOUBLE") ? 1e-12 : 2e-6,
          dtype + " after step " + (t + 1));
    }
    assertEquals(3, optimizer.steps());
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void adamFollowsPyTorch(String dtype) {
    // First scalar by hand: m1 = 0.05, v1 = 0.00025, m̂ = 0.5, v̂ = 0.25, p1 = 1 - 0.1*0.5/(0.5 +
    // 1e-8) = 0.900000002.
    assertSteps(
        dtype,
        p -> Adam.builder(p, 0.1).build(),
        new double[][] {
          {0.900000002, 1.900000001, 3.0, 4.0999999995, 4.900000000333334, 5.900000004},
          {
            0.9366103542405654,
            1.8000000020000007,
            2.925586318695407,
            4.199999998999999,
            4.905263158210527,
            5.8000000080000005
          },
          {
            0.8946447927181046,
            1.7000000030000006,
            2.8680643275559365,
            4.192435065951069,
            4.901821308185522,
            5.824850026821773
          },
        });
  }

  @Test
  void biasCorrectionMakesTheFirstStepLearningRateTimesTheSignOfTheGradient() {
    Parameters p = Parameters.builder(DataType.DOUBLE).add("w", 5, 5).build();
    p.values().assign(1);
    setGradients(p, 1e-3, -1e-3, 42, -0.5, 0);
    Adam.builder(p, 0.01).build().step();
    // m̂ = g and √v̂ = |g| on step 1, so each moves by lr·g/(|g| + ε): lr·sign(g), 0 for g = 0.
    assertArrayEquals(
        new double[] {0.99, 1.01, 0.99, 1.01, 1.0}, p.values().toDoubleVector(), 1e-6);
  }

  @Test
  void epsilonIsAddedAfterTheBiasCorrectionAsInPyTorch() {
    // g = 1e-6: PyTorch moves by lr·1e-6/(1e-6 + 1e-8) = 0.0990099 lr. libnd4j's adam_updater adds
    // ε
    // to √v before correcting (TensorFlow's form) and would move by 0.0760 lr.
    Parameters p = Parameters.builder(DataType.DOUBLE).add("w", 1, 1).build();
    setGradients(p, 1e-6);
    Adam.builder(p, 0.1).build().step();
    assertEquals(-0.1 * 1e-6 / (1e-6 + 1e-8), p.values().getDouble(0), 1e-15);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void l2WeightDecayIsAddedToTheGradient(String dtype) {
    // g1 = 0.5 + 0.1*1 = 0.6, and step 1 still moves by lr·sign(g1): 0.9000000016666666.
    assertSteps(
        dtype,
        p -> Adam.builder(p, 0.1).weightDecay(0.1).build(),
        new double[][] {
          {
            0.9000000016666666,
            1.9000000008333333,
            2.900000003333333,
            4.099999999375,
            4.900000000285714,
            5.900000001176471
          },
          {
            0.9252635194456061,
            1.8000226891227293,
            2.8123480987510665,
            4.1999831653484065,
            4.88893877884422,
            5.8000325994534645
          },
          {
            0.8776172608049325,
            1.700083391480767,
            2.732796482082814,
            4.178185271664367,
            4.866298974954335,
            5.732532232246092
          },
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void adamWDecaysTheParametersDirectly(String dtype) {
    // p1 = 1 - 0.1*0.1*1 - 0.1*0.5/(0.5 + 1e-8) = 0.890000002; g = 0 at index 2 still decays: 3*(1
    // - 0.01).
    assertSteps(
        dtype,
        p -> Adam.adamW(p, 0.1).weightDecay(0.1).build(),
        new double[][] {
          {0.890000002, 1.880000001, 2.97, 4.0599999995, 4.850000000333334, 5.840000004},
          {
            0.9177103542205653,
            1.7612000019900007,
            2.865886318695407,
            4.119399999004999,
            4.806763158207194,
            5.681600007960001
          },
          {
            0.8665676891558989,
            1.6435880029701007,
            2.7797054643689827,
            4.0706410659660195,
            4.755253676600118,
            5.649634026702174
          },
        });
  }

  @Test
  void adamWDefaultsToPyTorchsWeightDecay() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Adam adamW = Adam.adamW(p, 0.1).build();
    assertTrue(adamW.decoupled());
    adamW.step(); // zero gradients: only the decay, 0.01 by default
    assertArrayEquals(
        new double[] {0.999, 1.998, 2.997, 3.996, 4.995, 5.994},
        p.values().toDoubleVector(),
        1e-12);
    assertFalse(Adam.builder(p, 0.1).build().decoupled());
  }

  @Test
  void weightDecayCanSkipParametersByNameSuffix() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Adam adamW = Adam.adamW(p, 0.1).weightDecay(0.1, "b").build();
    setGradients(p, GRADIENTS[0]);
    adamW.step();
    // "w" as in adamWDecaysTheParametersDirectly, "b" as plain Adam.
    assertArrayEquals(
        new double[] {0.890000002, 1.880000001, 2.97, 4.0599999995, 4.900000000333334, 5.900000004},
        p.values().toDoubleVector(),
        1e-12);
  }

  @Test
  void stateIsFirstAndSecondMoments() {
    Parameters p = twoParameters(DataType.DOUBLE);
    Adam adam = Adam.builder(p, 0.1).betas(0.5, 0.75).build();
    setGradients(p, GRADIENTS[0]);
    adam.step();
    assertEquals(java.util.List.of("m", "v"), java.util.List.copyOf(adam.state().keySet()));
    assertArrayEquals(
        new double[] {0.25, 0.5, 0, -1, 1.5, 0.125}, adam.state().get("m").toDoubleVector(), 1e-15);
    assertArrayEquals(
        new double[] {0.0625, 0.25, 0, 1, 2.25, 0.015625},
        adam.state().get("v").toDoubleVector(),
        1e-15);
  }

  @Test
  void aChangedLearningRateAppliesToTheNextStep() {
    Parameters p = Parameters.builder(DataType.DOUBLE).add("w", 1, 1).build();
    Adam adam = Adam.builder(p, 0.1).build();
    adam.setLearningRate(0.5);
    setGradients(p, 3);
    adam.step();
    assertEquals(-0.5, p.values().getDouble(0), 1e-8);
    assertEquals(0.5, adam.learningRate());
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, Double.NaN})
  void rejectsBetasOutsideZeroToOne(double beta) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException first =
        assertThrows(
            IllegalArgumentException.class, () -> Adam.builder(p, 1e-3).betas(beta, 0.999).build());
    assertTrue(
        first.getMessage().contains("beta1 must be in [0, 1), got " + beta), first.getMessage());
    IllegalArgumentException second =
        assertThrows(
            IllegalArgumentException.class, () -> Adam.builder(p, 1e-3).betas(0.9, beta).build());
    assertTrue(
        second.getMessage().contains("beta2 must be in [0, 1), got " + beta), second.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -1e-8, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsEpsilonThatIsNotAPositiveNumber(double epsilon) {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Adam.builder(p, 1e-3).epsilon(epsilon).build());
    assertTrue(
        e.getMessage().contains("epsilon must be a positive number, got " + epsilon),
        e.getMessage());
  }

  @Test
  void rejectsBadLearningRatesAndWeightDecay() {
    Parameters p = twoParameters(DataType.FLOAT);
    IllegalArgumentException lr =
        assertThrows(IllegalArgumentException.class, () -> Adam.adamW(p, 0).build());
    assertTrue(
        lr.getMessage().contains("learning rate must be a positive number, got 0.0"),
        lr.getMessage());
    IllegalArgumentException wd =
        assertThrows(
            IllegalArgumentException.class, () -> Adam.adamW(p, 1e-3).weightDecay(-0.01).build());
    assertTrue(
        wd.getMessage().contains("weight decay must be a non-negative number, got -0.01"),
        wd.getMessage());
    IllegalArgumentException suffix =
        assertThrows(
            IllegalArgumentException.class,
            () -> Adam.adamW(p, 1e-3).weightDecay(0.01, ".bias").build());
    assertTrue(
        suffix.getMessage().contains("no parameter name ends with '.bias'"), suffix.getMessage());
  }

  @Test
  void rejectsParametersThatAreNotFloatingPoint() {
    Parameters p = Parameters.builder(DataType.INT).add("w", 1, 2).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Adam.builder(p, 1e-3).build());
    assertTrue(e.getMessage().contains("FLOAT or DOUBLE parameters, not INT"), e.getMessage());
  }
}
