package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every layer kernel and head shares: its forward pass runs over arrays bound at construction;
 * its {@link #backward()} needs gradient buffers, bound once by the kernel's {@code
 * withGradients(...)}. The guards of that contract are worded here, once for all kernels.
 *
 * <p>The guards stay checks of the kernel's own state ({@code if (backward == null)}): only the
 * failure is built here, so a guard costs a kernel's {@code backward()} what it always did.
 */
public abstract class Kernel {
  private final String name;
  private final String[] gradients;

  /**
   * {@code name} as messages call the kernel, e.g. "Conv2d"; {@code gradients}: the parameters of
   * its {@code withGradients}, e.g. "dx", "dy".
   */
  Kernel(String name, String... gradients) {
    this.name = name;
    this.gradients = gradients.clone();
  }

  /**
   * Computes the gradients of the last forward into the buffers bound by {@code withGradients},
   * overwriting them.
   *
   * @throws IllegalStateException before {@code withGradients}
   */
  public abstract void backward();

  /** What {@code withGradients} throws when it is called a second time. */
  final IllegalStateException withGradientsAgain() {
    return new IllegalStateException(name + ": withGradients was already called");
  }

  /** What {@link #backward()} throws before {@code withGradients}. */
  final IllegalStateException backwardWithoutGradients() {
    return new IllegalStateException(withoutGradients());
  }

  /** As {@link #backwardWithoutGradients()}, naming the shape of the kernel's output y. */
  final IllegalStateException backwardWithoutGradients(INDArray y) {
    return new IllegalStateException(withoutGradients() + "; y is " + Arrays.toString(y.shape()));
  }

  private String withoutGradients() {
    return name
        + ".backward() needs "
        + (gradients.length == 1 ? "a gradient buffer" : "gradient buffers")
        + ": call withGradients("
        + String.join(", ", gradients)
        + ") once after construction";
  }
}
