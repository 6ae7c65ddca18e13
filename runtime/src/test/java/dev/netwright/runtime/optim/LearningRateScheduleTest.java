package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/** Schedules against PyTorch's StepLR and CosineAnnealingLR, and optimizers taking a new rate. */
class LearningRateScheduleTest {
  private static double[] rates(LearningRateSchedule schedule, int epochs) {
    return LongStream.range(0, epochs).mapToDouble(schedule::rate).toArray();
  }

  @Test
  void stepDecayIsPyTorchsStepLR() {
    // StepLR(step_size=2, gamma=0.1) from lr 1: epochs 0..4.
    double[] expected = {1, 1, 0.1, 0.1, 0.01};
    double[] actual = rates(new StepDecay(1, 2, 0.1), 5);
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t], actual[t], 1e-15, "epoch " + t);
    }
    assertEquals(0.05 * Math.pow(0.5, 3), new StepDecay(0.05, 10, 0.5).rate(39), 1e-15);
  }

  @Test
  void cosineIsPyTorchsCosineAnnealingLR() {
    Cosine cosine = new Cosine(0.1, 10, 0.001);
    assertEquals(0.1, cosine.rate(0), 1e-15);
    assertEquals(0.001, cosine.rate(10), 1e-15);
    assertEquals((0.1 + 0.001) / 2, cosine.rate(5), 1e-15);
    // η_min + (η_max − η_min)(1 + cos(π·t/T_max))/2 at t = 2: cos(π/5) = 0.8090169943749475.
    assertEquals(0.001 + 0.099 * (1 + 0.8090169943749475) / 2, cosine.rate(2), 1e-15);
    double[] r = rates(cosine, 11);
    for (int t = 1; t < r.length; t++) {
      assertTrue(r[t] < r[t - 1], "decreasing until tMax at epoch " + t);
    }
    // Past tMax the closed form climbs back, as PyTorch's does.
    assertEquals(cosine.rate(8), cosine.rate(12), 1e-15);
    assertEquals(0.0, new Cosine(1, 4, 0).rate(4), 1e-15);
  }

  @Test
  void aScheduleIsALambdaToo() {
    LearningRateSchedule inverse = t -> 0.1 / (1 + t);
    assertEquals(0.025, inverse.rate(3), 1e-15);
  }

  @Test
  void optimizersTakeTheScheduledRate() {
    Parameters p = Parameters.builder(DataType.DOUBLE).add("w", 1, 1).build();
    Sgd sgd = new Sgd(p, 1, 0);
    StepDecay schedule = new StepDecay(1, 2, 0.1);
    for (int epoch = 0; epoch < 5; epoch++) {
      sgd.setLearningRate(schedule.rate(epoch));
      p.gradients().assign(1);
      sgd.step(); // p ← p − lr
    }
    assertEquals(-(1 + 1 + 0.1 + 0.1 + 0.01), p.values().getDouble(0), 1e-12);
    assertEquals(0.01, sgd.learningRate(), 1e-15);
    sgd.setLearningRate(0); // a schedule may anneal to zero
    sgd.step();
    assertEquals(-2.21, p.values().getDouble(0), 1e-12);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
  void setLearningRateRejectsNegativeOrNonFiniteRates(double rate) {
    Optimizer sgd = new Sgd(Parameters.builder(DataType.FLOAT).add("w", 1, 1).build(), 0.1, 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(rate));
    assertTrue(
        e.getMessage().contains("learning rate must be a non-negative number, got " + rate),
        e.getMessage());
    assertEquals(0.1, sgd.learningRate());
  }

  @Test
  void optimizersWrittenElsewhereRefuseByDefault() {
    Optimizer custom =
        new Optimizer() {
          @Override
          public void step() {}

          @Override
          public double learningRate() {
            return 0.1;
          }
        };
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> custom.setLearningRate(1));
    assertTrue(
        e.getMessage().contains("does not support changing its learning rate"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, custom::state);
    assertThrows(UnsupportedOperationException.class, custom::steps);
  }

  @Test
  void rejectsBadSchedules() {
    assertMessage(
        "learning rate must be a positive number, got 0.0", () -> new StepDecay(0, 2, 0.1));
    assertMessage("step size must be at least 1 epoch, got 0", () -> new StepDecay(1, 0, 0.1));
    assertMessage("gamma must be in (0, 1], got 1.5", () -> new StepDecay(1, 2, 1.5));
    assertMessage("gamma must be in (0, 1], got 0.0", () -> new StepDecay(1, 2, 0));
    assertMessage("tMax must be at least 1 epoch, got 0", () -> new Cosine(1, 0, 0));
    assertMessage("etaMin must be in [0, initial = 0.1], got 0.2", () -> new Cosine(0.1, 10, 0.2));
    assertMessage(
        "etaMin must be in [0, initial = 0.1], got -0.01", () -> new Cosine(0.1, 10, -0.01));
    assertMessage("epochs are counted from 0, got -1", () -> new Cosine(0.1, 10, 0).rate(-1));
    assertMessage("epochs are counted from 0, got -1", () -> new StepDecay(0.1, 10, 0.5).rate(-1));
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
