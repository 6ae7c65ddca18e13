package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The guards every kernel shares ({@link Kernel}), word for word: backward before withGradients
 * says which call binds the gradient buffers, and a second withGradients is refused.
 */
class KernelGuardsTest {
  private static final Window ONE = new Window(1, 1, 1, 1, 0, 0, false);

  /** A kernel, how to bind its gradients, and what its backward says before they are bound. */
  record Case(String name, Supplier<Kernel> make, Consumer<Kernel> bind, String unbound) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static INDArray a(long... shape) {
    return Nd4j.create(DataType.DOUBLE, shape);
  }

  private static String buffers(String name, String call) {
    return name + ".backward() needs gradient buffers: call " + call + " once after construction";
  }

  private static String buffer(String name, String call) {
    return name + ".backward() needs a gradient buffer: call " + call + " once after construction";
  }

  static Stream<Case> kernels() {
    return Stream.of(
        new Case(
            "Add",
            () -> new Add(a(2, 3), a(2, 3), a(2, 3)),
            k -> ((Add) k).withGradients(a(2, 3), a(2, 3), a(2, 3)),
            buffers("Add", "withGradients(dy, dxs...)") + "; y is [2, 3]"),
        new Case(
            "BatchNorm",
            () -> new BatchNorm(a(2, 3), a(2, 3), a(3), a(3), a(3), a(3), 0.1, 1e-5),
            k -> ((BatchNorm) k).withGradients(a(2, 3), a(3), a(3), a(2, 3)),
            buffers("BatchNorm", "withGradients(dx, dgamma, dbeta, dy)")),
        new Case(
            "Concat",
            () -> new Concat(a(1, 4, 2, 2), a(1, 2, 2, 2), a(1, 2, 2, 2)),
            k -> ((Concat) k).withGradients(a(1, 4, 2, 2), a(1, 2, 2, 2), a(1, 2, 2, 2)),
            buffers("Concat", "withGradients(dy, dxs...)") + "; y is [1, 4, 2, 2]"),
        new Case(
            "Conv2d",
            () -> new Conv2d(a(1, 1, 2, 2), a(1, 1, 2, 2), a(1, 1, 1, 1), a(1), ONE),
            k -> ((Conv2d) k).withGradients(a(1, 1, 2, 2), a(1, 1, 1, 1), a(1), a(1, 1, 2, 2)),
            buffers("Conv2d", "withGradients(dx, dw, db, dy)")),
        new Case(
            "Dense",
            () -> new Dense(a(2, 3), a(2, 4), a(3, 4), a(3)),
            k -> ((Dense) k).withGradients(a(2, 4), a(3, 4), a(3), a(2, 3)),
            buffers("Dense", "withGradients(dx, dw, db, dy)")),
        new Case(
            "Dropout",
            () -> new Dropout(a(2, 3), a(2, 3), 0.5, 1),
            k -> ((Dropout) k).withGradients(a(2, 3), a(2, 3)),
            buffers("Dropout", "withGradients(dx, dy)")),
        new Case(
            "GlobalAvgPool",
            () -> new GlobalAvgPool(a(1, 2), a(1, 2, 2, 2)),
            k -> ((GlobalAvgPool) k).withGradients(a(1, 2, 2, 2), a(1, 2)),
            buffers("GlobalAvgPool", "withGradients(dx, dy)")),
        new Case(
            "GroupNorm",
            () -> new GroupNorm(a(2, 4), a(2, 4), a(4), a(4), 2, 1e-5),
            k -> ((GroupNorm) k).withGradients(a(2, 4), a(4), a(4), a(2, 4)),
            buffers("GroupNorm", "withGradients(dx, dgamma, dbeta, dy)")),
        new Case(
            "Lrn",
            () -> new Lrn(a(1, 3, 2, 2), a(1, 3, 2, 2), 1, 2, 1e-4, 0.75),
            k -> ((Lrn) k).withGradients(a(1, 3, 2, 2), a(1, 3, 2, 2)),
            buffers("Lrn", "withGradients(dx, dy)")),
        new Case(
            "MeanSquaredError",
            () -> new MeanSquaredError(a(2, 3)),
            k -> ((MeanSquaredError) k).withGradients(a(2, 3)),
            buffer("MeanSquaredError", "withGradients(dpredictions)")),
        new Case(
            "MaxPool2d",
            () -> Pool2d.max(a(1, 1, 2, 2), a(1, 1, 2, 2), ONE),
            k -> ((Pool2d) k).withGradients(a(1, 1, 2, 2), a(1, 1, 2, 2)),
            buffers("MaxPool2d", "withGradients(dx, dy)")),
        new Case(
            "AvgPool2d",
            () -> Pool2d.avg(a(1, 1, 2, 2), a(1, 1, 2, 2), ONE, true),
            k -> ((Pool2d) k).withGradients(a(1, 1, 2, 2), a(1, 1, 2, 2)),
            buffers("AvgPool2d", "withGradients(dx, dy)")),
        new Case(
            "Relu",
            () -> new Relu(a(2, 3), a(2, 3)),
            k -> ((Relu) k).withGradients(a(2, 3), a(2, 3)),
            buffers("Relu", "withGradients(dx, dy)") + "; y is [2, 3]"),
        new Case(
            "Sigmoid",
            () -> new Sigmoid(a(2, 3), a(2, 3)),
            k -> ((Sigmoid) k).withGradients(a(2, 3), a(2, 3)),
            buffers("Sigmoid", "withGradients(dx, dy)")),
        new Case(
            "SigmoidCrossEntropy",
            () -> new SigmoidCrossEntropy(a(2, 1), a(2, 1)),
            k -> ((SigmoidCrossEntropy) k).withGradients(a(2, 1)),
            buffer("SigmoidCrossEntropy", "withGradients(dlogits)")),
        new Case(
            "Softmax",
            () -> new Softmax(a(2, 3), a(2, 3)),
            k -> ((Softmax) k).withGradients(a(2, 3), a(2, 3)),
            buffers("Softmax", "withGradients(dx, dy)") + "; y is [2, 3]"),
        new Case(
            "SoftmaxCrossEntropy",
            () -> new SoftmaxCrossEntropy(a(2, 3), a(2, 3)),
            k -> ((SoftmaxCrossEntropy) k).withGradients(a(2, 3)),
            buffer("SoftmaxCrossEntropy", "withGradients(dlogits)")),
        new Case(
            "Tanh",
            () -> new Tanh(a(2, 3), a(2, 3)),
            k -> ((Tanh) k).withGradients(a(2, 3), a(2, 3)),
            buffers("Tanh", "withGradients(dx, dy)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void backwardNeedsWithGradientsOnce(Case c) {
    Kernel kernel = c.make().get();
    assertEquals(
        c.unbound(), assertThrows(IllegalStateException.class, kernel::backward).getMessage());
    c.bind().accept(kernel);
    assertEquals(
        c.name() + ": withGradients was already called",
        assertThrows(IllegalStateException.class, () -> c.bind().accept(kernel)).getMessage());
  }
}
