package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks a generated network's backward against central differences of its loss, in double
 * precision, over every parameter tensor.
 */
final class GradientCheck {
  private GradientCheck() {}

  /** Random input [n, C, H, W] in DOUBLE, the same for the same seed. */
  static INDArray input(Model model, int n, long seed) {
    int[] s = model.inputShape();
    // Seeded: an unlucky draw can put a ReLU or max-pool kink within the differences' step, and a
    // check that fails once in a hundred runs must fail the same way when it is rerun.
    SplittableRandom r = new SplittableRandom(seed);
    double[] values = new double[n * s[0] * s[1] * s[2]];
    for (int i = 0; i < values.length; i++) {
      values[i] = (r.nextDouble() - 0.5) * 4; // spread across ReLU kinks
    }
    return Nd4j.create(values, new long[] {n, s[0], s[1], s[2]}, DataType.DOUBLE);
  }

  /** One-hot labels [n, K] in DOUBLE. */
  static INDArray labels(Model model, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    INDArray y = Nd4j.zeros(DataType.DOUBLE, n, model.classes());
    for (int i = 0; i < n; i++) {
      y.putScalar(i, r.nextInt(model.classes()), 1.0);
    }
    return y;
  }

  /**
   * Compares analytic and numeric gradients on up to {@code perTensor} random entries of every
   * parameter; fails naming the parameter, index and both values.
   */
  static void check(Model model, INDArray x, INDArray y, int perTensor, double tolerance) {
    model.forward(x);
    model.loss(y);
    model.backward();
    INDArray analytic = model.parameters().gradients().dup();
    SplittableRandom r = new SplittableRandom(7);
    double eps = 1e-6;
    int checked = 0;
    for (Parameter p : model.parameters().list()) {
      INDArray flat = p.value().reshape(p.length());
      int count = (int) Math.min(perTensor, p.length());
      for (int k = 0; k < count; k++) {
        long i = count == p.length() ? k : r.nextLong(p.length());
        double old = flat.getDouble(i);
        flat.putScalar(i, old + eps);
        model.forward(x);
        double plus = model.loss(y);
        flat.putScalar(i, old - eps);
        model.forward(x);
        double minus = model.loss(y);
        flat.putScalar(i, old);
        double numeric = (plus - minus) / (2 * eps);
        double exact = analytic.getDouble(p.offset() + i);
        // Relative error, except for gradients near zero, where central differences carry about
        // 1e-10 of round-off: there the difference is held to tolerance x 1e-4 absolutely.
        double error =
            Math.abs(exact - numeric) / Math.max(1e-4, Math.abs(exact) + Math.abs(numeric));
        assertTrue(
            error < tolerance,
            () ->
                String.format(
                    "%s[%d]: backward gives %.10g, central differences %.10g (relative error %.2g)",
                    p.name(), i, exact, numeric, error));
        checked++;
      }
    }
    assertTrue(checked > 0, "no parameter was checked");
  }
}
