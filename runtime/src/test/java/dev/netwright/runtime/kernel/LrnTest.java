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
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class LrnTest {
  private static final long[] SHAPE = {2, 7, 3, 4};

  /** LRN settings; AlexNet's are depth 2, bias 2, alpha 1e-4, beta 0.75. */
  record Case(String name, int depth, double bias, double alpha, double beta) {
    @Override
    public String toString() {
      return name;
    }

    Lrn make(INDArray y, INDArray x) {
      return new Lrn(y, x, depth, bias, alpha, beta);
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("AlexNet depth 2", 2, 2, 1e-4, 0.75),
        new Case("AlexNet constants, depth 5", 5, 2, 1e-4, 0.75),
        new Case("strong: depth 2 bias 1 alpha 0.5", 2, 1, 0.5, 0.75),
        new Case("strong: depth 5 bias 0.5 alpha 0.3 beta 0.5", 5, 0.5, 0.3, 0.5),
        new Case("depth 0", 0, 1, 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesNaiveReference(Case k) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Reference.random(type, 1, SHAPE).muli(3);
      INDArray y = Nd4j.create(type, SHAPE);
      k.make(y, x).forward();
      Reference.assertClose(
          k.name() + " " + type,
          reference(x.castTo(DataType.DOUBLE), k),
          y,
          type == DataType.DOUBLE ? 1e-14 : 1e-6);
    }
  }

  /**
   * The same semantics as ND4J's own lrn op, which normalises the last axis of an NHWC view. That
   * op rounds bias, alpha and beta to float even in DOUBLE (1e-8 apart otherwise), so ours gets the
   * rounded values here.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAgreesWithNd4jsLrnOp(Case k) {
    INDArray x = Reference.random(DataType.DOUBLE, 2, SHAPE).muli(3);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray native_ = Nd4j.create(DataType.DOUBLE, SHAPE);
    new Lrn(y, x, k.depth(), (float) k.bias(), (float) k.alpha(), (float) k.beta()).forward();
    PreparedOp.custom(
            "test",
            "lrn",
            new INDArray[] {x.permute(0, 2, 3, 1)},
            new INDArray[] {native_.permute(0, 2, 3, 1)},
            new long[] {k.depth()},
            new double[] {k.bias(), k.alpha(), k.beta()},
            new boolean[] {})
        .exec();
    Reference.assertClose(k.name(), native_, y, 1e-12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(Case k) {
    INDArray x = Reference.random(DataType.DOUBLE, 3, SHAPE).muli(3);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dy = Nd4j.create(DataType.DOUBLE, SHAPE);
    Lrn lrn = k.make(y, x).withGradients(dx, dy);
    GradCheck.check(k.name(), lrn::forward, lrn::backward, y, dy, 1e-5, new Param("x", x, dx));
  }

  /** ND4J's lrn_bp is wrong in M2.1 (see ND4J-NOTES); this shows it still is, for the record. */
  @Test
  void nd4jsLrnBpStillDisagreesWithOurs() {
    Case k = cases().toList().get(2);
    INDArray x = Reference.random(DataType.DOUBLE, 3, SHAPE).muli(3);
    INDArray dy = Reference.random(DataType.DOUBLE, 4, SHAPE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, SHAPE);
    Lrn lrn = k.make(Nd4j.create(DataType.DOUBLE, SHAPE), x).withGradients(dx, dy);
    lrn.forward();
    lrn.backward();
    INDArray theirs = Nd4j.create(DataType.DOUBLE, SHAPE);
    PreparedOp.custom(
            "test",
            "lrn_bp",
            new INDArray[] {x.permute(0, 2, 3, 1), dy.permute(0, 2, 3, 1)},
            new INDArray[] {theirs.permute(0, 2, 3, 1)},
            new long[] {k.depth()},
            new double[] {k.bias(), k.alpha(), k.beta()},
            new boolean[] {})
        .exec();
    double worst = theirs.sub(dx).amaxNumber().doubleValue() / dx.amaxNumber().doubleValue();
    assertTrue(worst > 1e-3, "lrn_bp now agrees (relative " + worst + "): consider using it");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatAgreesWithDouble(Case k) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray x = Reference.random(types[t], 5, SHAPE).muli(3);
      INDArray y = Nd4j.create(types[t], SHAPE);
      INDArray dx = Nd4j.create(types[t], SHAPE);
      INDArray dy = Reference.random(types[t], 6, SHAPE);
      Lrn lrn = k.make(y, x).withGradients(dx, dy);
      lrn.forward();
      lrn.backward();
      results[t] = new INDArray[] {y, dx};
    }
    Reference.assertClose(k.name() + " y", results[0][0], results[1][0], 1e-5);
    Reference.assertClose(k.name() + " dx", results[0][1], results[1][1], 1e-5);
  }

  /** Channel-slice views (a branch inside a concat buffer) take the scratch-buffer path. */
  @Test
  void channelSliceViewsGiveTheSameResults() {
    Case k = cases().toList().get(2);
    INDArray x = Reference.random(DataType.DOUBLE, 7, SHAPE);
    INDArray dy = Reference.random(DataType.DOUBLE, 8, SHAPE);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, SHAPE);
    Lrn plain = k.make(y, x).withGradients(dx, dy);
    plain.forward();
    plain.backward();
    INDArray[] big = new INDArray[4];
    INDArray[] views = new INDArray[4];
    for (int i = 0; i < 4; i++) {
      big[i] = Nd4j.create(DataType.DOUBLE, 2, 10, 3, 4);
      views[i] =
          big[i].get(
              NDArrayIndex.all(),
              NDArrayIndex.interval(1, 8),
              NDArrayIndex.all(),
              NDArrayIndex.all());
    }
    views[1].assign(x);
    views[3].assign(dy);
    Lrn sliced = k.make(views[0], views[1]).withGradients(views[2], views[3]);
    sliced.forward();
    sliced.backward();
    Reference.assertClose("y", y, views[0], 1e-14);
    Reference.assertClose("dx", dx, views[2], 1e-14);
  }

  @Test
  void writesIntoTheGivenBuffersRepeatsExactlyAndAllocatesNothing() {
    DataType f = DataType.FLOAT;
    INDArray x = Reference.random(f, 9, 4, 16, 6, 6);
    INDArray y = Nd4j.create(f, x.shape());
    INDArray dx = Nd4j.valueArrayOf(x.shape(), 1e3f);
    INDArray dy = Reference.random(f, 10, x.shape());
    Lrn lrn = new Lrn(y, x, 2, 2, 1e-4, 0.75).withGradients(dx, dy);
    long[] addresses = {y.data().address(), dx.data().address()};
    lrn.forward();
    lrn.backward();
    INDArray[] once = {y.dup(), dx.dup()};
    lrn.forward();
    lrn.backward();
    assertEquals(addresses[0], y.data().address(), "y keeps its buffer");
    assertEquals(addresses[1], dx.data().address(), "dx keeps its buffer");
    Reference.assertIdentical("y", once[0], y);
    Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], dx);
    BatchNormTest.assertFewBytes("Lrn forward", lrn::forward);
    BatchNormTest.assertFewBytes("Lrn backward", lrn::backward);
    BatchNormTest.collectGarbage();
    lrn.forward();
    lrn.backward();
    Reference.assertIdentical("y after garbage collection", once[0], y);
    Reference.assertIdentical("dx after garbage collection", once[1], dx);
  }

  @Test
  void errorsNameTheProblem() {
    DataType f = DataType.FLOAT;
    INDArray x = Nd4j.create(f, SHAPE);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Lrn(Nd4j.create(f, 2, 7, 4, 3), x, 2, 2, 1e-4, 0.75));
    assertTrue(
        e.getMessage()
            .contains("y must have shape [2, 7, 3, 4] (the shape of x), but found [2, 7, 4, 3]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Lrn(Nd4j.create(f, 2, 7), Nd4j.create(f, 2, 7), 2, 2, 1e-4, 0.75));
    assertTrue(
        e.getMessage().contains("x must have rank 4 [N, C, H, W], but found shape [2, 7]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Lrn(x, x, 2, 2, 1e-4, 0.75));
    assertTrue(e.getMessage().contains("y must be a different array from x"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Lrn(Nd4j.create(f, SHAPE), x, -1, 2, 1e-4, 0.75));
    assertTrue(e.getMessage().contains("depthRadius must not be negative, got -1"), e.getMessage());
    Lrn lrn = new Lrn(Nd4j.create(f, SHAPE), x, 2, 2, 1e-4, 0.75);
    var s = assertThrows(IllegalStateException.class, lrn::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dy)"), s.getMessage());
    INDArray g = Nd4j.create(f, SHAPE);
    e = assertThrows(IllegalArgumentException.class, () -> lrn.withGradients(g, g));
    assertTrue(e.getMessage().contains("dx must be a different array from dy"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> lrn.withGradients(Nd4j.create(f, 2, 7, 3, 3), g));
    assertTrue(e.getMessage().contains("dx must have shape [2, 7, 3, 4]"), e.getMessage());
  }

  /**
   * y[n,c,h,w] = x / (bias + alpha·Σ_{|c'-c| <= depth} x[n,c',h,w]²)^beta, straight from TF's docs.
   */
  static INDArray reference(INDArray x, Case k) {
    INDArray y = Nd4j.create(DataType.DOUBLE, x.shape());
    for (long n = 0; n < x.size(0); n++) {
      for (long c = 0; c < x.size(1); c++) {
        for (long h = 0; h < x.size(2); h++) {
          for (long w = 0; w < x.size(3); w++) {
            double sum = 0;
            for (long j = Math.max(0, c - k.depth());
                j <= Math.min(x.size(1) - 1, c + k.depth());
                j++) {
              double v = x.getDouble(n, j, h, w);
              sum += v * v;
            }
            double value = x.getDouble(n, c, h, w) / Math.pow(k.bias() + k.alpha() * sum, k.beta());
            y.putScalar(new long[] {n, c, h, w}, value);
          }
        }
      }
    }
    return y;
  }
}
