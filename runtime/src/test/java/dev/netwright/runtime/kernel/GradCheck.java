package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central-difference gradient checks in double precision. Every entry of every parameter is
 * perturbed (the shapes are small), and the relative error |a - n| / max(|a|, |n|, 1e-4) must stay
 * below 1e-6: gradients smaller than 1e-4 are thus held to an absolute 1e-10.
 */
final class GradCheck {
  static final double TOLERANCE = 1e-6;
  private static final double FLOOR = 1e-4;

  /** Garbage written into gradient buffers before backward, which must overwrite it. */
  private static final double GARBAGE = 1e3;

  private GradCheck() {}

  /** A perturbed array (contiguous, DOUBLE) and the buffer backward writes its gradient into. */
  record Param(String name, INDArray value, INDArray gradient) {}

  /**
   * Checks backward against loss = sum(y * R) for a fixed seeded R, which backward receives as dy.
   * The step h should keep every perturbation away from kinks (see Reference.distinct).
   */
  static void check(
      String what,
      Runnable forward,
      Runnable backward,
      INDArray y,
      INDArray dy,
      double h,
      Param... params) {
    INDArray r = Reference.random(DataType.DOUBLE, 99, y.shape());
    DoubleSupplier loss =
        () -> {
          forward.run();
          return y.mul(r).sumNumber().doubleValue();
        };
    for (Param p : params) {
      p.gradient().assign(GARBAGE);
    }
    forward.run();
    dy.assign(r);
    backward.run();
    compare(what, loss, h, params);
  }

  /** Checks gradients already in the params' buffers against the given scalar loss. */
  static void compare(String what, DoubleSupplier loss, double h, Param... params) {
    for (Param p : params) {
      assertEquals(DataType.DOUBLE, p.value().dataType(), "gradient checks run in DOUBLE");
      INDArray analytic = p.gradient().dup();
      for (long i = 0; i < p.value().length(); i++) {
        double original = p.value().getDouble(i);
        p.value().putScalar(i, original + h);
        double plus = loss.getAsDouble();
        p.value().putScalar(i, original - h);
        double minus = loss.getAsDouble();
        p.value().putScalar(i, original);
        double numeric = (plus - minus) / (2 * h);
        double a = analytic.getDouble(i);
        double error =
            Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), FLOOR);
        if (!(error < TOLERANCE)) {
          fail(
              what
                  + ": d"
                  + p.name()
                  + " entry "
                  + i
                  + " analytic "
                  + a
                  + " numeric "
                  + numeric
                  + " relative error "
                  + error);
        }
      }
    }
    loss.getAsDouble(); // leave the outputs consistent with the restored inputs
  }
}
