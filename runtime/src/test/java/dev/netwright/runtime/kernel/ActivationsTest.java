package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Sigmoid, Tanh and Softmax: the same checks for each. */
@ExtendWith(SingleThreaded.class)
class ActivationsTest {
  /** Forward and backward of one kernel, whatever its class. */
  interface Layer {
    void forward();

    void backward();
  }

  /** Builds a kernel; dx and dy null mean no withGradients. */
  interface Factory {
    Layer make(INDArray y, INDArray x, INDArray dx, INDArray dy);
  }

  /**
   * One activation with its naive reference (element-wise f, or a row-wise softmax if f is null).
   */
  record Kind(String name, Factory factory, DoubleUnaryOperator f) {
    Layer make(INDArray y, INDArray x, INDArray dx, INDArray dy) {
      return factory.make(y, x, dx, dy);
    }

    INDArray reference(INDArray x) {
      if (f == null) {
        return softmax(x);
      }
      INDArray y = Nd4j.create(DataType.DOUBLE, x.shape());
      for (long i = 0; i < x.length(); i++) {
        y.putScalar(i, f.applyAsDouble(x.getDouble(i)));
      }
      return y;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Kind> kinds() {
    return Stream.of(
        new Kind(
            "sigmoid",
            (y, x, dx, dy) -> {
              Sigmoid k = dx == null ? new Sigmoid(y, x) : new Sigmoid(y, x).withGradients(dx, dy);
              return layer(k::forward, k::backward);
            },
            v -> 1 / (1 + Math.exp(-v))),
        new Kind(
            "tanh",
            (y, x, dx, dy) -> {
              Tanh k = dx == null ? new Tanh(y, x) : new Tanh(y, x).withGradients(dx, dy);
              return layer(k::forward, k::backward);
            },
            Math::tanh),
        new Kind(
            "softmax",
            (y, x, dx, dy) -> {
              Softmax k = dx == null ? new Softmax(y, x) : new Softmax(y, x).withGradients(dx, dy);
              return layer(k::forward, k::backward);
            },
            null));
  }

  private static Layer layer(Runnable forward, Runnable backward) {
    return new Layer() {
      @Override
      public void forward() {
        forward.run();
      }

      @Override
      public void backward() {
        backward.run();
      }
    };
  }

  /** Row-wise softmax of a DOUBLE [N, K], shifted by the row maximum. */
  static INDArray softmax(INDArray x) {
    INDArray y = Nd4j.create(DataType.DOUBLE, x.shape());
    for (long n = 0; n < x.size(0); n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (long k = 0; k < x.size(1); k++) {
        max = Math.max(max, x.getDouble(n, k));
      }
      double sum = 0;
      for (long k = 0; k < x.size(1); k++) {
        sum += Math.exp(x.getDouble(n, k) - max);
      }
      for (long k = 0; k < x.size(1); k++) {
        y.putScalar(n, k, Math.exp(x.getDouble(n, k) - max) / sum);
      }
    }
    return y;
  }

  // Softmax needs [N, K]; the element-wise kinds run on the same shape.
  private static final long[] SHAPE = {4, 6};

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void forwardMatchesNaiveReference(Kind kind) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Reference.random(type, 1, SHAPE).muli(4);
      INDArray y = Nd4j.create(type, SHAPE);
      kind.make(y, x, null, null).forward();
      Reference.assertClose(
          kind + " " + type,
          kind.reference(x.castTo(DataType.DOUBLE)),
          y,
          type == DataType.DOUBLE ? 1e-15 : 1e-6);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void extremeInputsStayFinite(Kind kind) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Nd4j.create(new double[][] {{-1000, -100, 0}, {100, 1000, 100}}).castTo(type);
      INDArray y = Nd4j.create(type, 2, 3);
      INDArray dy = Nd4j.ones(type, 2, 3);
      INDArray dx = Nd4j.create(type, 2, 3);
      Layer layer = kind.make(y, x, dx, dy);
      layer.forward();
      layer.backward();
      Reference.assertClose(kind + " " + type, kind.reference(x.castTo(DataType.DOUBLE)), y, 1e-7);
      for (long i = 0; i < 6; i++) {
        assertTrue(Double.isFinite(dx.getDouble(i)), kind + " dx " + dx);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void gradientsMatchCentralDifferences(Kind kind) {
    INDArray x = Reference.random(DataType.DOUBLE, 2, SHAPE).muli(3);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dy = Nd4j.create(DataType.DOUBLE, SHAPE);
    Layer layer = kind.make(y, x, dx, dy);
    GradCheck.check(
        kind.toString(), layer::forward, layer::backward, y, dy, 1e-5, new Param("x", x, dx));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void inPlaceMatchesSeparateBuffersAndFloatAgreesWithDouble(Kind kind) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray x = Reference.random(types[t], 3, SHAPE).muli(3);
      INDArray g = Reference.random(types[t], 4, SHAPE);
      INDArray y = Nd4j.create(types[t], SHAPE);
      INDArray dx = Nd4j.create(types[t], SHAPE);
      INDArray dy = g.dup();
      Layer separate = kind.make(y, x, dx, dy);
      separate.forward();
      separate.backward();
      INDArray both = x.dup();
      INDArray grad = g.dup();
      Layer inPlace = kind.make(both, both, grad, grad);
      inPlace.forward();
      inPlace.backward();
      Reference.assertIdentical(kind + " in-place y " + types[t], y, both);
      Reference.assertIdentical(kind + " in-place dx " + types[t], dx, grad);
      Reference.assertIdentical(kind + " dy untouched " + types[t], g, dy);
      results[t] = new INDArray[] {y, dx};
    }
    Reference.assertClose(kind + " FLOAT y", results[0][0], results[1][0], 1e-6);
    Reference.assertClose(kind + " FLOAT dx", results[0][1], results[1][1], 1e-6);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void writesIntoTheGivenBuffersRepeatsExactlyAndAllocatesNothing(Kind kind) {
    long[] shape = {32, 100};
    INDArray x = Reference.random(DataType.FLOAT, 5, shape);
    INDArray y = Nd4j.create(DataType.FLOAT, shape);
    INDArray dx = Nd4j.valueArrayOf(shape, 1e3f);
    INDArray dy = Reference.random(DataType.FLOAT, 6, shape);
    Layer layer = kind.make(y, x, dx, dy);
    long[] addresses = {y.data().address(), dx.data().address()};
    layer.forward();
    layer.backward();
    INDArray[] once = {y.dup(), dx.dup()};
    layer.forward();
    layer.backward();
    assertEquals(addresses[0], y.data().address(), "y keeps its buffer");
    assertEquals(addresses[1], dx.data().address(), "dx keeps its buffer");
    Reference.assertIdentical(kind + " y", once[0], y);
    Reference.assertIdentical(kind + " dx (overwritten, not accumulated)", once[1], dx);
    BatchNormTest.assertFewBytes(kind + " forward", layer::forward);
    BatchNormTest.assertFewBytes(kind + " backward", layer::backward);
    BatchNormTest.collectGarbage(); // scratch buffers and ones vectors belong to the kernel alone
    layer.forward();
    layer.backward();
    Reference.assertIdentical(kind + " y after garbage collection", once[0], y);
    Reference.assertIdentical(kind + " dx after garbage collection", once[1], dx);
  }

  @Test
  void elementWiseKindsTakeAnyShape() {
    INDArray x = Reference.random(DataType.DOUBLE, 7, 2, 3, 4, 5);
    INDArray y = Nd4j.create(DataType.DOUBLE, x.shape());
    INDArray dx = Nd4j.create(DataType.DOUBLE, x.shape());
    INDArray dy = Nd4j.create(DataType.DOUBLE, x.shape());
    Sigmoid sigmoid = new Sigmoid(y, x).withGradients(dx, dy);
    GradCheck.check(
        "sigmoid 4-D", sigmoid::forward, sigmoid::backward, y, dy, 1e-5, new Param("x", x, dx));
    Tanh tanh = new Tanh(y, x).withGradients(dx, dy);
    GradCheck.check("tanh 4-D", tanh::forward, tanh::backward, y, dy, 1e-5, new Param("x", x, dx));
  }

  @Test
  void errorsNameTheProblem() {
    DataType f = DataType.FLOAT;
    INDArray x = Nd4j.create(f, SHAPE);
    var e =
        assertThrows(IllegalArgumentException.class, () -> new Sigmoid(Nd4j.create(f, 6, 4), x));
    assertTrue(
        e.getMessage()
            .contains("Sigmoid: y must have shape [4, 6] (the shape of x), but found [6, 4]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new Tanh(Nd4j.create(DataType.DOUBLE, SHAPE), x));
    assertTrue(
        e.getMessage()
            .contains("Tanh: all arrays must have one dtype, but x is FLOAT and y is DOUBLE"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Softmax(Nd4j.create(f, 2, 3, 4), Nd4j.create(f, 2, 3, 4)));
    assertTrue(e.getMessage().contains("Softmax: x must have rank 2 [N, K]"), e.getMessage());
    Softmax softmax = new Softmax(x, x);
    var s = assertThrows(IllegalStateException.class, softmax::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dy)"), s.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> softmax.withGradients(Nd4j.create(f, SHAPE), Nd4j.create(f, 4, 5)));
    assertTrue(
        e.getMessage().contains("dy must have shape [4, 6] (the shape of y), but found [4, 5]"),
        e.getMessage());
    s = assertThrows(IllegalStateException.class, new Tanh(x, x)::backward);
    assertTrue(s.getMessage().contains("Tanh.backward() needs gradient buffers"), s.getMessage());
  }
}
