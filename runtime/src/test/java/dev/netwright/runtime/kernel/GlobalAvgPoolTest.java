package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class GlobalAvgPoolTest {
  private static final long[][] SHAPES = {{2, 3, 4, 5}, {3, 2, 7, 7}, {2, 3, 1, 1}};

  @Test
  void forwardMatchesNaiveReference() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (long[] shape : SHAPES) {
        INDArray x = Reference.random(type, 1, shape);
        INDArray y = Nd4j.create(type, shape[0], shape[1]);
        new GlobalAvgPool(y, x).forward();
        Reference.assertClose(
            "gap " + type,
            reference(x.castTo(DataType.DOUBLE)),
            y,
            type == DataType.DOUBLE ? 1e-15 : 1e-6);
      }
    }
  }

  @Test
  void gradientsMatchCentralDifferences() {
    for (long[] shape : SHAPES) {
      INDArray x = Reference.random(DataType.DOUBLE, 2, shape);
      INDArray y = Nd4j.create(DataType.DOUBLE, shape[0], shape[1]);
      INDArray dx = Nd4j.create(DataType.DOUBLE, shape);
      INDArray dy = Nd4j.create(DataType.DOUBLE, shape[0], shape[1]);
      GlobalAvgPool gap = new GlobalAvgPool(y, x).withGradients(dx, dy);
      GradCheck.check("gap", gap::forward, gap::backward, y, dy, 1e-5, new Param("x", x, dx));
    }
  }

  @Test
  void floatAgreesWithDouble() {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray x = Reference.random(types[t], 3, 4, 8, 7, 7);
      INDArray y = Nd4j.create(types[t], 4, 8);
      INDArray dx = Nd4j.create(types[t], x.shape());
      INDArray dy = Reference.random(types[t], 4, 4, 8);
      GlobalAvgPool gap = new GlobalAvgPool(y, x).withGradients(dx, dy);
      gap.forward();
      gap.backward();
      results[t] = new INDArray[] {y, dx};
    }
    Reference.assertClose("y", results[0][0], results[1][0], 1e-6);
    Reference.assertClose("dx", results[0][1], results[1][1], 1e-6);
  }

  /**
   * A branch of a concat buffer as x and dx, a column block as y and dy: reduce_mean and staging.
   */
  @Test
  void viewsThatDoNotReshapeGiveTheSameResults() {
    INDArray x = Reference.random(DataType.DOUBLE, 5, 2, 3, 4, 5);
    INDArray dy = Reference.random(DataType.DOUBLE, 6, 2, 3);
    INDArray y = Nd4j.create(DataType.DOUBLE, 2, 3);
    INDArray dx = Nd4j.create(DataType.DOUBLE, x.shape());
    GlobalAvgPool plain = new GlobalAvgPool(y, x).withGradients(dx, dy);
    plain.forward();
    plain.backward();
    INDArray bigX = Nd4j.create(DataType.DOUBLE, 2, 6, 4, 5);
    INDArray bigDx = Nd4j.create(DataType.DOUBLE, 2, 6, 4, 5);
    INDArray bigY = Nd4j.create(DataType.DOUBLE, 2, 7);
    INDArray bigDy = Nd4j.create(DataType.DOUBLE, 2, 7);
    INDArray xv =
        bigX.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(1, 4),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    INDArray dxv =
        bigDx.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(2, 5),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    INDArray yv = bigY.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 7));
    INDArray dyv = bigDy.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
    xv.assign(x);
    dyv.assign(dy);
    GlobalAvgPool views = new GlobalAvgPool(yv, xv).withGradients(dxv, dyv);
    views.forward();
    views.backward();
    Reference.assertClose("y", y, yv, 1e-15);
    Reference.assertClose("dx", dx, dxv, 1e-15);
    BatchNormTest.collectGarbage(); // the staging buffers are referenced only by the kernel
    yv.assign(0);
    dxv.assign(0);
    views.forward();
    views.backward();
    Reference.assertClose("y after garbage collection", y, yv, 1e-15);
    Reference.assertClose("dx after garbage collection", dx, dxv, 1e-15);
    assertEquals(
        0.0,
        bigDx
            .get(
                NDArrayIndex.all(),
                NDArrayIndex.interval(0, 2),
                NDArrayIndex.all(),
                NDArrayIndex.all())
            .amaxNumber()
            .doubleValue(),
        0.0,
        "channels outside the view untouched");
  }

  @Test
  void writesIntoTheGivenBuffersRepeatsExactlyAndAllocatesNothing() {
    INDArray x = Reference.random(DataType.FLOAT, 7, 8, 32, 7, 7);
    INDArray y = Nd4j.create(DataType.FLOAT, 8, 32);
    INDArray dx = Nd4j.valueArrayOf(x.shape(), 1e3f);
    INDArray dy = Reference.random(DataType.FLOAT, 8, 8, 32);
    GlobalAvgPool gap = new GlobalAvgPool(y, x).withGradients(dx, dy);
    long[] addresses = {y.data().address(), dx.data().address()};
    gap.forward();
    gap.backward();
    INDArray[] once = {y.dup(), dx.dup()};
    gap.forward();
    gap.backward();
    assertEquals(addresses[0], y.data().address(), "y keeps its buffer");
    assertEquals(addresses[1], dx.data().address(), "dx keeps its buffer");
    Reference.assertIdentical("y", once[0], y);
    Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], dx);
    BatchNormTest.assertFewBytes("GlobalAvgPool forward", gap::forward);
    BatchNormTest.assertFewBytes("GlobalAvgPool backward", gap::backward);
  }

  @Test
  void errorsNameTheProblem() {
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 4, 5);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GlobalAvgPool(Nd4j.create(DataType.FLOAT, 2, 3, 1, 1), x));
    assertTrue(
        e.getMessage()
            .contains("y must have shape [2, 3] [N, C] for x [2, 3, 4, 5], but found [2, 3, 1, 1]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new GlobalAvgPool(
                    Nd4j.create(DataType.FLOAT, 2, 3), Nd4j.create(DataType.FLOAT, 2, 3)));
    assertTrue(e.getMessage().contains("x must have rank 4 [N, C, H, W]"), e.getMessage());
    GlobalAvgPool gap = new GlobalAvgPool(Nd4j.create(DataType.FLOAT, 2, 3), x);
    var s = assertThrows(IllegalStateException.class, gap::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dy)"), s.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                gap.withGradients(
                    Nd4j.create(DataType.FLOAT, 2, 3, 4, 5), Nd4j.create(DataType.FLOAT, 3, 2)));
    assertTrue(
        e.getMessage().contains("dy must have shape [2, 3] (the shape of y), but found [3, 2]"),
        e.getMessage());
  }

  private static INDArray reference(INDArray x) {
    INDArray y = Nd4j.create(DataType.DOUBLE, x.size(0), x.size(1));
    for (long n = 0; n < x.size(0); n++) {
      for (long c = 0; c < x.size(1); c++) {
        double sum = 0;
        for (long h = 0; h < x.size(2); h++) {
          for (long w = 0; w < x.size(3); w++) {
            sum += x.getDouble(n, c, h, w);
          }
        }
        y.putScalar(n, c, sum / (x.size(2) * x.size(3)));
      }
    }
    return y;
  }
}
