package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SingleThreaded.class)
class Pool2dTest {
  /** One pooling geometry on x [2, 3, 7, 6]; includePadding only matters for average pooling. */
  record Case(String name, boolean max, Window window, boolean includePadding) {
    @Override
    public String toString() {
      return name;
    }

    Pool2d make(INDArray y, INDArray x) {
      return max ? Pool2d.max(y, x, window) : Pool2d.avg(y, x, window, includePadding);
    }

    INDArray output(DataType type) {
      return Nd4j.create(type, 2, 3, window.outH(7), window.outW(6));
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("max 2x2 stride 2 VALID", true, new Window(2, 2, 2, 2, 0, 0, false), false),
        new Case("max 3x3 stride 2 pad 1", true, new Window(3, 3, 2, 2, 1, 1, false), false),
        new Case("max 3x2 stride 1 pad 1x0", true, new Window(3, 2, 1, 1, 1, 0, false), false),
        new Case("max 3x3 stride 2 SAME", true, new Window(3, 3, 2, 2, 0, 0, true), false),
        new Case("max 2x2 stride 2 SAME", true, new Window(2, 2, 2, 2, 0, 0, true), false),
        new Case("avg 2x2 stride 2 VALID", false, new Window(2, 2, 2, 2, 0, 0, false), false),
        new Case("avg 3x3 pad 1 include", false, new Window(3, 3, 1, 1, 1, 1, false), true),
        new Case("avg 3x3 pad 1 exclude", false, new Window(3, 3, 1, 1, 1, 1, false), false),
        new Case(
            "avg 3x3 stride 2 pad 1 include", false, new Window(3, 3, 2, 2, 1, 1, false), true),
        new Case("avg 3x3 stride 2 SAME exclude", false, new Window(3, 3, 2, 2, 0, 0, true), false),
        new Case("avg 2x2 stride 1 SAME include", false, new Window(2, 2, 1, 1, 0, 0, true), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesNaiveReference(Case k) {
    INDArray x = Reference.distinct(1, 2, 3, 7, 6);
    INDArray y = k.output(DataType.DOUBLE);
    k.make(y, x).forward();
    Reference.assertClose(
        k.name(), Reference.pool(x, k.window(), k.max(), k.includePadding()), y, 1e-12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(Case k) {
    INDArray x = Reference.distinct(2, 2, 3, 7, 6);
    INDArray y = k.output(DataType.DOUBLE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, x.shape());
    INDArray dy = Nd4j.create(DataType.DOUBLE, y.shape());
    Pool2d pool = k.make(y, x).withGradients(dx, dy);
    GradCheck.check(k.name(), pool::forward, pool::backward, y, dy, 1e-3, new Param("x", x, dx));
  }

  /** FLOAT goes through oneDNN's pooling, DOUBLE through libnd4j's loops: both must agree. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatAgreesWithDoubleForwardAndBackward(Case k) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray x = Reference.distinct(3, 2, 3, 7, 6).castTo(types[t]);
      INDArray y = k.output(types[t]);
      INDArray dx = Nd4j.create(types[t], x.shape());
      INDArray dy = Reference.random(types[t], 4, y.shape());
      Pool2d pool = k.make(y, x).withGradients(dx, dy);
      pool.forward();
      pool.backward();
      results[t] = new INDArray[] {y, dx};
    }
    Reference.assertClose(k.name() + " y", results[0][0], results[1][0], 1e-5);
    Reference.assertClose(k.name() + " dx", results[0][1], results[1][1], 1e-5);
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    for (Case k : cases().toList()) {
      INDArray x = Reference.distinct(5, 2, 3, 7, 6).castTo(DataType.FLOAT);
      INDArray y = k.output(DataType.FLOAT);
      INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
      INDArray dy = Reference.random(DataType.FLOAT, 6, y.shape());
      Pool2d pool = k.make(y, x).withGradients(dx, dy);
      long address = dx.data().address();
      pool.forward();
      pool.backward();
      INDArray[] once = {y.dup(), dx.dup()};
      pool.forward();
      pool.backward();
      assertEquals(address, dx.data().address(), "dx keeps its buffer");
      Reference.assertIdentical(k.name() + " y", once[0], y);
      Reference.assertIdentical(k.name() + " dx (overwritten, not accumulated)", once[1], dx);
    }
  }

  @Test
  void wrongShapesAreReportedWithExpectedAndFound() {
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 7, 6);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pool2d.max(
                    Nd4j.create(DataType.FLOAT, 2, 3, 3, 3),
                    x,
                    new Window(2, 2, 2, 2, 0, 0, true)));
    assertTrue(
        e.getMessage().startsWith("MaxPool2d: y must have shape [2, 3, 4, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("2x2 stride 2x2 SAME"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 3, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pool2d.avg(
                    Nd4j.create(DataType.FLOAT, 2, 3, 1, 1),
                    x,
                    new Window(9, 9, 1, 1, 0, 0, false),
                    true));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Window(0, 2, 1, 1, 0, 0, false));
    assertTrue(e.getMessage().contains("kernel must be at least 1x1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Window(2, 2, 1, 1, -1, 0, false));
    assertTrue(e.getMessage().contains("padding must not be negative"), e.getMessage());
  }

  @Test
  void backwardWithoutGradientsSaysWhatToCall() {
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 7, 6);
    Pool2d pool =
        Pool2d.avg(
            Nd4j.create(DataType.FLOAT, 2, 3, 3, 3), x, new Window(2, 2, 2, 2, 0, 0, false), false);
    var e = assertThrows(IllegalStateException.class, pool::backward);
    assertTrue(e.getMessage().contains("AvgPool2d.backward()"), e.getMessage());
    assertTrue(e.getMessage().contains("withGradients(dx, dy)"), e.getMessage());
  }
}
