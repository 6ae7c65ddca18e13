package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.model.Parameters.Init;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Initialisers: each rule's distribution, seeded determinism, and the PyTorch default unchanged.
 */
class InitTest {
  private static final int FAN_IN = 300;
  private static final int FAN_OUT = 100;
  private static final long[] LARGE = {400, 500}; // 200,000 draws: the std is known to ~0.2%

  /**
   * Rule, whether normal (else uniform), and the std of its distribution for FAN_IN and FAN_OUT.
   */
  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(Init.PYTORCH, false, 1 / Math.sqrt(FAN_IN) / Math.sqrt(3)),
        Arguments.of(Init.HE_NORMAL, true, Math.sqrt(2) / Math.sqrt(FAN_IN)),
        Arguments.of(Init.HE_UNIFORM, false, Math.sqrt(6.0 / FAN_IN) / Math.sqrt(3)),
        Arguments.of(Init.XAVIER_NORMAL, true, Math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
        Arguments.of(
            Init.XAVIER_UNIFORM, false, Math.sqrt(6.0 / (FAN_IN + FAN_OUT)) / Math.sqrt(3)),
        Arguments.of(Init.SCALED_NORMAL, true, 1 / Math.sqrt(FAN_IN)));
  }

  private static INDArray draw(Init init, DataType dtype, long seed) {
    Parameters p = Parameters.builder(dtype).add("w", init, FAN_IN, FAN_OUT, LARGE).build();
    p.initialize(seed);
    return p.get("w").value();
  }

  @ParameterizedTest
  @MethodSource("rules")
  void meanAndStdMatchTheRule(Init init, boolean normal, double std) {
    INDArray w = draw(init, DataType.DOUBLE, 11);
    double n = w.length();
    assertEquals(0.0, w.meanNumber().doubleValue(), 4 * std / Math.sqrt(n), init + " mean");
    assertEquals(std, w.stdNumber().doubleValue(), 0.01 * std, init + " std");
    double max = w.amaxNumber().doubleValue();
    if (normal) {
      // Beyond 4σ: about 13 of 200,000 normal draws, none of a uniform.
      assertTrue(max > 4 * std, init + ": max |w| " + max + " looks uniform, std " + std);
    } else {
      double bound = std * Math.sqrt(3);
      assertTrue(
          max <= bound && max > 0.999 * bound, init + ": max |w| " + max + " vs bound " + bound);
    }
  }

  @ParameterizedTest
  @MethodSource("rules")
  void aSeedAlwaysGivesTheSameValuesInEitherType(Init init, boolean normal, double std) {
    assertEquals(draw(init, DataType.DOUBLE, 5), draw(init, DataType.DOUBLE, 5));
    assertFalse(draw(init, DataType.DOUBLE, 5).equals(draw(init, DataType.DOUBLE, 6)));
    assertTrue(
        draw(init, DataType.DOUBLE, 5)
            .castTo(DataType.FLOAT)
            .equals(draw(init, DataType.FLOAT, 5)));
  }

  @Test
  void thePyTorchDefaultKeepsTheValuesOldSeedsGave() {
    Parameters p =
        Parameters.builder(DataType.DOUBLE)
            .add("conv.weight", 25, 4, 1, 5, 5)
            .add("conv.bias", 25, 4)
            .add("fc.weight", Init.PYTORCH, 64, 10, 10, 64)
            .build();
    p.initialize(42);
    // What initialize(seed) drew before init rules existed: one stream, U(±1/√fan-in) in order.
    SplittableRandom random = new SplittableRandom(42);
    for (Parameter q : p.list()) {
      double bound = 1.0 / Math.sqrt(q.fanIn());
      double[] expected = new double[(int) q.length()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (random.nextDouble() * 2 - 1) * bound;
      }
      assertArrayEquals(expected, q.value().reshape(q.length()).toDoubleVector(), 0, q.toString());
    }
  }

  @Test
  void constantsAreExactAndDrawNothing() {
    Parameters mixed =
        Parameters.builder(DataType.FLOAT)
            .add("a", Init.ZEROS, 0, 0, 3)
            .add("b", Init.ONES, 0, 0, 2, 2)
            .add("c", Init.constant(-0.25), 0, 0, 5)
            .add("d", Init.HE_NORMAL, 10, 0, 50)
            .build();
    mixed.values().assign(9);
    mixed.initialize(3);
    assertEquals(0.0, mixed.get("a").value().amaxNumber().doubleValue());
    assertEquals(4.0, mixed.get("b").value().sumNumber().doubleValue());
    assertArrayEquals(
        new double[] {-0.25, -0.25, -0.25, -0.25, -0.25},
        mixed.get("c").value().toDoubleVector(),
        0);
    // The constants consumed no draws: "d" gets what it gets alone.
    Parameters alone =
        Parameters.builder(DataType.FLOAT).add("d", Init.HE_NORMAL, 10, 0, 50).build();
    alone.initialize(3);
    assertEquals(alone.get("d").value(), mixed.get("d").value());
  }

  @Test
  void parametersRememberTheirRuleAndFans() {
    Parameters p =
        Parameters.builder(DataType.FLOAT)
            .add("w", Init.XAVIER_UNIFORM, 27, 48, 16, 3, 3, 3)
            .add("b", 27, 16)
            .build();
    Parameter w = p.get("w");
    assertEquals(Init.XAVIER_UNIFORM, w.init());
    assertEquals(27, w.fanIn());
    assertEquals(48, w.fanOut());
    assertEquals(Init.PYTORCH, p.get("b").init());
    assertEquals(0, p.get("b").fanOut(), "not declared");
    assertEquals("XAVIER_UNIFORM", Init.XAVIER_UNIFORM.toString());
    assertEquals("constant(0.5)", Init.constant(0.5).toString());
    assertEquals(Init.constant(0.5), Init.constant(0.5));
    // The record's old constructor still compiles and means the PyTorch default.
    Parameter old = new Parameter("x", new long[] {1}, 0, 3, w.value(), w.gradient());
    assertEquals(Init.PYTORCH, old.init());
  }

  @Test
  void fansARuleNeedsAreChecked() {
    assertMessage(
        "parameter 'w' has fan-out 0; it must be at least 1 for XAVIER_NORMAL",
        () -> Parameters.builder(DataType.FLOAT).add("w", Init.XAVIER_NORMAL, 10, 0, 2, 2));
    assertMessage(
        "parameter 'w' has fan-in 0; it must be at least 1 for HE_UNIFORM",
        () -> Parameters.builder(DataType.FLOAT).add("w", Init.HE_UNIFORM, 0, 10, 2, 2));
    assertMessage(
        "parameter 'w' has fan-out -1; it must be 0 or more",
        () -> Parameters.builder(DataType.FLOAT).add("w", Init.ZEROS, 0, -1, 2, 2));
    assertMessage(
        "a constant initialiser needs a finite value, got NaN", () -> Init.constant(Double.NaN));
    assertThrows(
        NullPointerException.class,
        () -> Parameters.builder(DataType.FLOAT).add("w", null, 1, 1, 2));
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
