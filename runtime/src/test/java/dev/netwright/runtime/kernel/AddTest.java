package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class AddTest {
  /** A number of inputs and their common shape. */
  record Case(int inputs, long... shape) {
    @Override
    public String toString() {
      return inputs + " inputs " + Arrays.toString(shape);
    }

    INDArray[] xs(DataType type) {
      INDArray[] xs = new INDArray[inputs];
      for (int i = 0; i < inputs; i++) {
        xs[i] = Reference.random(type, 30 + i, shape);
      }
      return xs;
    }

    INDArray[] gradients(DataType type) {
      INDArray[] dxs = new INDArray[inputs];
      for (int i = 0; i < inputs; i++) {
        dxs[i] = Nd4j.create(type, shape);
      }
      return dxs;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(2, 2, 3, 4, 5),
        new Case(3, 2, 3, 4, 5),
        new Case(2, 2, 5),
        new Case(3, 2, 1, 5, 3),
        new Case(4, 2, 4, 2, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesNaiveLoop(Case k) {
    INDArray[] xs = k.xs(DataType.DOUBLE);
    INDArray y = Nd4j.create(DataType.DOUBLE, k.shape());
    new Add(y, xs).forward();
    // Same additions in the same order, so the double results agree to the last bit.
    Reference.assertIdentical(k.toString(), JoinSupport.sum(xs), y);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(Case k) {
    INDArray[] xs = k.xs(DataType.DOUBLE);
    INDArray[] dxs = k.gradients(DataType.DOUBLE);
    INDArray y = Nd4j.create(DataType.DOUBLE, k.shape());
    INDArray dy = Nd4j.create(DataType.DOUBLE, k.shape());
    Add add = new Add(y, xs).withGradients(dy, dxs);
    Param[] params = new Param[xs.length];
    for (int i = 0; i < xs.length; i++) {
      params[i] = new Param("xs[" + i + "]", xs[i], dxs[i]);
    }
    GradCheck.check(k.toString(), add::forward, add::backward, y, dy, 1e-3, params);
  }

  @Test
  void aNullGradientEntryIsSkippedAndDyItselfIsAcceptedAsADx() {
    Case k = new Case(3, 2, 3, 4, 5);
    INDArray[] xs = k.xs(DataType.DOUBLE);
    INDArray[] dxs = k.gradients(DataType.DOUBLE);
    INDArray y = Nd4j.create(DataType.DOUBLE, k.shape());
    INDArray dy = Nd4j.create(DataType.DOUBLE, k.shape());
    dxs[0] = null;
    dxs[2] = dy;
    Add add = new Add(y, xs).withGradients(dy, dxs);
    GradCheck.check(
        "dxs[0] null, dxs[2] = dy",
        add::forward,
        add::backward,
        y,
        dy,
        1e-3,
        new Param("xs[1]", xs[1], dxs[1]),
        new Param("xs[2]", xs[2], dxs[2]));
  }

  @Test
  void yMayBeOneOfTheInputs() {
    Case k = new Case(3, 2, 3, 4, 5);
    for (int alias = 0; alias < 3; alias++) {
      INDArray[] xs = k.xs(DataType.DOUBLE);
      INDArray expected = JoinSupport.sum(xs);
      new Add(xs[alias], xs).forward();
      Reference.assertClose("y = xs[" + alias + "]", expected, xs[alias], 1e-15);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatAgreesWithDouble(Case k) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray[] dxs = k.gradients(types[t]);
      INDArray y = Nd4j.create(types[t], k.shape());
      INDArray dy = Reference.random(types[t], 7, k.shape());
      Add add = new Add(y, k.xs(types[t])).withGradients(dy, dxs);
      add.forward();
      add.backward();
      results[t] = Arrays.copyOf(dxs, dxs.length + 1);
      results[t][dxs.length] = y;
    }
    for (int i = 0; i < results[0].length; i++) {
      Reference.assertClose(k + " array " + i, results[0][i], results[1][i], 1e-6);
    }
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    Case k = new Case(3, 2, 3, 4, 5);
    INDArray[] xs = k.xs(DataType.FLOAT);
    INDArray[] dxs = k.gradients(DataType.FLOAT);
    INDArray y = Nd4j.create(DataType.FLOAT, k.shape());
    INDArray dy = Reference.random(DataType.FLOAT, 5, k.shape());
    Add add = new Add(y, xs).withGradients(dy, dxs);
    long address = y.data().address();
    add.forward();
    INDArray once = y.dup();
    add.forward();
    assertEquals(address, y.data().address(), "y keeps its buffer");
    Reference.assertIdentical("y", once, y);
    for (INDArray dx : dxs) {
      dx.assign(Double.NaN); // must be overwritten, not accumulated into
    }
    add.backward();
    add.backward();
    for (int i = 0; i < dxs.length; i++) {
      Reference.assertIdentical("dxs[" + i + "]", dy, dxs[i]);
    }
  }

  /** Views as generated code passes them; the permuted dx takes the slow, general path. */
  @Test
  void viewsAreReadAndWrittenInPlaceWithoutTouchingTheirNeighbours() {
    INDArray big = Reference.random(DataType.DOUBLE, 40, 2, 7, 4, 5);
    INDArray[] xs = {
      big.get(
          NDArrayIndex.all(), NDArrayIndex.interval(1, 4), NDArrayIndex.all(), NDArrayIndex.all()),
      Reference.random(DataType.DOUBLE, 41, 2, 3, 4, 5)
    };
    INDArray y = Nd4j.create(DataType.DOUBLE, 2, 3, 4, 5);
    INDArray dyBuffer = Reference.random(DataType.DOUBLE, 42, 2, 5, 4, 5);
    INDArray dy =
        dyBuffer.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(2, 5),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    INDArray flat = JoinSupport.filled(DataType.DOUBLE, -9, 2 * 3 * 4 * 5 + 6);
    INDArray nhwc = JoinSupport.filled(DataType.DOUBLE, -9, 2, 4, 5, 3);
    INDArray[] dxs = {
      flat.get(NDArrayIndex.interval(2, 122)).reshape(2, 3, 4, 5), nhwc.permute(0, 3, 1, 2)
    };
    Add add = new Add(y, xs).withGradients(dy, dxs);
    add.forward();
    add.backward();
    Reference.assertIdentical("y", JoinSupport.sum(xs), y);
    Reference.assertIdentical("dxs[0]", dy, dxs[0]);
    Reference.assertIdentical("dxs[1]", dy, dxs[1]);
    assertEquals(-9.0, flat.getDouble(1));
    assertEquals(-9.0, flat.getDouble(122));
  }

  @Test
  void forwardAndBackwardAllocateNothing() {
    Case k = new Case(3, 8, 4, 6, 6);
    INDArray y = Nd4j.create(DataType.FLOAT, k.shape());
    Add add =
        new Add(y, k.xs(DataType.FLOAT))
            .withGradients(Nd4j.create(DataType.FLOAT, k.shape()), k.gradients(DataType.FLOAT));
    double bytes =
        JoinSupport.bytesPerCall(
            () -> {
              add.forward();
              add.backward();
            });
    assertTrue(bytes < 16, bytes + " bytes per forward and backward");
  }

  @Test
  void wrongShapesAreReportedWithExpectedAndFound() {
    INDArray a = Nd4j.create(DataType.FLOAT, 2, 3, 4, 5);
    INDArray y = Nd4j.create(DataType.FLOAT, 2, 3, 4, 5);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Add(y, a, Nd4j.create(DataType.FLOAT, 2, 3, 5, 4)));
    assertTrue(e.getMessage().contains("xs[1] must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 5, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Add(y, a, a, Nd4j.create(DataType.FLOAT, 1, 3, 4, 5)));
    assertTrue(e.getMessage().contains("xs[2] must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [1, 3, 4, 5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Add(y, a));
    assertTrue(
        e.getMessage().contains("at least 2 inputs, but got 1: [FLOAT[2, 3, 4, 5]]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Add(Nd4j.create(DataType.FLOAT, 2, 3, 4), a, a));
    assertTrue(e.getMessage().contains("y must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Add(y, a, Nd4j.create(DataType.DOUBLE, 2, 3, 4, 5)));
    assertTrue(e.getMessage().contains("xs[1] is DOUBLE"), e.getMessage());

    Add add = new Add(y, a, a);
    e = assertThrows(IllegalArgumentException.class, () -> add.withGradients(y.like(), y.like()));
    assertTrue(e.getMessage().contains("one dx per input, 2 in all"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> add.withGradients(y.like(), null, Nd4j.create(DataType.FLOAT, 2, 3, 4)));
    assertTrue(e.getMessage().contains("dxs[1] must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 4]"), e.getMessage());
  }

  @Test
  void backwardWithoutGradientsSaysWhatToCall() {
    INDArray y = Nd4j.create(DataType.FLOAT, 2, 3);
    Add add = new Add(y, y.like(), y.like());
    var e = assertThrows(IllegalStateException.class, add::backward);
    assertTrue(e.getMessage().contains("withGradients"), e.getMessage());
    assertSame(add, add.withGradients(y.like(), y.like(), null));
    assertThrows(IllegalStateException.class, () -> add.withGradients(y.like(), y.like(), null));
  }
}
