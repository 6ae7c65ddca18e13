package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class BatchNormTest {
  private static final long[] IMAGE = {3, 4, 3, 5};
  private static final long[] FLAT = {6, 4};
  private static final double MOMENTUM = 0.1;
  private static final double EPS = 1e-5;

  /**
   * One kernel with every buffer; x, gamma and beta are seeded, running stats start as PyTorch's.
   */
  record Buffers(
      BatchNorm bn,
      INDArray y,
      INDArray x,
      INDArray gamma,
      INDArray beta,
      INDArray runningMean,
      INDArray runningVar,
      INDArray dx,
      INDArray dgamma,
      INDArray dbeta,
      INDArray dy) {
    static Buffers make(DataType type, long[] shape, boolean affine) {
      long c = shape[1];
      INDArray x = Reference.random(type, 1, shape).muli(2).addi(0.5);
      INDArray gamma = affine ? Reference.random(type, 2, c).addi(1.5) : null;
      INDArray beta = affine ? Reference.random(type, 3, c) : null;
      INDArray rm = Nd4j.zeros(type, c);
      INDArray rv = Nd4j.ones(type, c);
      INDArray y = Nd4j.create(type, shape);
      INDArray dx = Nd4j.create(type, shape);
      INDArray dgamma = affine ? Nd4j.create(type, c) : null;
      INDArray dbeta = affine ? Nd4j.create(type, c) : null;
      INDArray dy = Nd4j.create(type, shape);
      BatchNorm bn =
          new BatchNorm(y, x, gamma, beta, rm, rv, MOMENTUM, EPS)
              .withGradients(dx, dgamma, dbeta, dy);
      return new Buffers(bn, y, x, gamma, beta, rm, rv, dx, dgamma, dbeta, dy);
    }
  }

  @Test
  void trainingForwardNormalisesWithBatchStatisticsAndUpdatesRunningStatsAsPyTorch() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (long[] shape : new long[][] {IMAGE, FLAT}) {
        Buffers b = Buffers.make(type, shape, true);
        INDArray x1 = b.x().castTo(DataType.DOUBLE).dup(); // castTo to its own type is no copy
        INDArray x2 = Reference.random(type, 7, shape).muli(3).subi(1);
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
        b.bn().forward(true);
        Reference.assertClose(
            "y step 1 " + type,
            normalize(x1, stats(x1)[0], stats(x1)[1], b.gamma(), b.beta()),
            b.y(),
            tolerance);
        b.x().assign(x2);
        b.bn().forward(true);
        INDArray d2 = x2.castTo(DataType.DOUBLE);
        Reference.assertClose(
            "y step 2 " + type,
            normalize(d2, stats(d2)[0], stats(d2)[1], b.gamma(), b.beta()),
            b.y(),
            tolerance);
        // PyTorch: running = (1 - momentum)·running + momentum·batch, unbiased variance, from 0 and
        // 1.
        double m = count(shape);
        double[] mean = new double[(int) shape[1]];
        double[] var = new double[(int) shape[1]];
        java.util.Arrays.fill(var, 1);
        for (INDArray step : new INDArray[] {x1, d2}) {
          double[][] s = stats(step);
          for (int c = 0; c < mean.length; c++) {
            mean[c] = (1 - MOMENTUM) * mean[c] + MOMENTUM * s[0][c];
            var[c] = (1 - MOMENTUM) * var[c] + MOMENTUM * s[1][c] * m / (m - 1);
          }
        }
        Reference.assertClose(
            "running mean " + type, Nd4j.createFromArray(mean), b.runningMean(), tolerance);
        Reference.assertClose(
            "running var " + type, Nd4j.createFromArray(var), b.runningVar(), tolerance);
      }
    }
  }

  @Test
  void inferenceForwardUsesRunningStatisticsAndLeavesThemAlone() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (boolean affine : new boolean[] {true, false}) {
        Buffers b = Buffers.make(type, IMAGE, affine);
        b.runningMean().assign(Reference.random(type, 4, 4));
        b.runningVar().assign(Reference.random(type, 5, 4).addi(1.5));
        INDArray[] before = {b.runningMean().dup(), b.runningVar().dup()};
        b.bn().forward(false);
        double[] mean = b.runningMean().castTo(DataType.DOUBLE).toDoubleVector();
        double[] var = b.runningVar().castTo(DataType.DOUBLE).toDoubleVector();
        Reference.assertClose(
            "y " + type + " affine " + affine,
            normalize(b.x().castTo(DataType.DOUBLE), mean, var, b.gamma(), b.beta()),
            b.y(),
            type == DataType.DOUBLE ? 1e-12 : 1e-5);
        Reference.assertIdentical("running mean", before[0], b.runningMean());
        Reference.assertIdentical("running var", before[1], b.runningVar());
      }
    }
  }

  @Test
  void trainingGradientsMatchCentralDifferences() {
    for (long[] shape : new long[][] {IMAGE, FLAT}) {
      Buffers b = Buffers.make(DataType.DOUBLE, shape, true);
      GradCheck.check(
          "batchnorm training " + shape.length + "-D",
          () -> b.bn().forward(true),
          b.bn()::backward,
          b.y(),
          b.dy(),
          1e-5,
          new Param("x", b.x(), b.dx()),
          new Param("gamma", b.gamma(), b.dgamma()),
          new Param("beta", b.beta(), b.dbeta()));
    }
    Buffers plain = Buffers.make(DataType.DOUBLE, IMAGE, false);
    GradCheck.check(
        "batchnorm training without gamma, beta",
        () -> plain.bn().forward(true),
        plain.bn()::backward,
        plain.y(),
        plain.dy(),
        1e-5,
        new Param("x", plain.x(), plain.dx()));
  }

  @Test
  void inferenceGradientsMatchCentralDifferences() {
    for (long[] shape : new long[][] {IMAGE, FLAT}) {
      Buffers b = Buffers.make(DataType.DOUBLE, shape, true);
      b.runningMean().assign(Reference.random(DataType.DOUBLE, 4, shape[1]));
      b.runningVar().assign(Reference.random(DataType.DOUBLE, 5, shape[1]).addi(1.5));
      GradCheck.check(
          "batchnorm inference " + shape.length + "-D",
          () -> b.bn().forward(false),
          b.bn()::backward,
          b.y(),
          b.dy(),
          1e-5,
          new Param("x", b.x(), b.dx()),
          new Param("gamma", b.gamma(), b.dgamma()),
          new Param("beta", b.beta(), b.dbeta()));
    }
  }

  /** x and dy as channel slices of larger buffers take the reduce_sum path instead of matmuls. */
  @Test
  void channelSliceViewsGiveTheSameResults() {
    for (boolean training : new boolean[] {true, false}) {
      Buffers whole = Buffers.make(DataType.DOUBLE, IMAGE, true);
      INDArray big = Nd4j.create(DataType.DOUBLE, 3, 7, 3, 5);
      INDArray bigDy = Nd4j.create(DataType.DOUBLE, 3, 7, 3, 5);
      INDArray x = slice(big);
      INDArray dy = slice(bigDy);
      x.assign(whole.x());
      INDArray y = Nd4j.create(DataType.DOUBLE, IMAGE);
      INDArray dx = slice(Nd4j.create(DataType.DOUBLE, 3, 7, 3, 5));
      INDArray dgamma = Nd4j.create(DataType.DOUBLE, 4);
      INDArray dbeta = Nd4j.create(DataType.DOUBLE, 4);
      BatchNorm sliced =
          new BatchNorm(
                  y,
                  x,
                  whole.gamma(),
                  whole.beta(),
                  Nd4j.zeros(DataType.DOUBLE, 4),
                  Nd4j.ones(DataType.DOUBLE, 4),
                  MOMENTUM,
                  EPS)
              .withGradients(dx, dgamma, dbeta, dy);
      INDArray r = Reference.random(DataType.DOUBLE, 9, IMAGE);
      whole.dy().assign(r);
      dy.assign(r);
      whole.bn().forward(training);
      whole.bn().backward();
      sliced.forward(training);
      sliced.backward();
      Reference.assertClose("y", whole.y(), y, 1e-13);
      Reference.assertClose("dx", whole.dx(), dx, 1e-13);
      Reference.assertClose("dgamma", whole.dgamma(), dgamma, 1e-13);
      Reference.assertClose("dbeta", whole.dbeta(), dbeta, 1e-13);
    }
  }

  @Test
  void floatAgreesWithDoubleInBothModes() {
    for (boolean training : new boolean[] {true, false}) {
      Buffers[] b = {
        Buffers.make(DataType.DOUBLE, IMAGE, true), Buffers.make(DataType.FLOAT, IMAGE, true)
      };
      for (Buffers k : b) {
        k.runningMean().assign(Reference.random(k.x().dataType(), 4, 4));
        k.runningVar().assign(Reference.random(k.x().dataType(), 5, 4).addi(1.5));
        k.dy().assign(Reference.random(k.x().dataType(), 6, IMAGE));
        k.bn().forward(training);
        k.bn().backward();
      }
      String mode = training ? "training " : "inference ";
      Reference.assertClose(mode + "y", b[0].y(), b[1].y(), 1e-5);
      Reference.assertClose(mode + "dx", b[0].dx(), b[1].dx(), 1e-5);
      Reference.assertClose(mode + "dgamma", b[0].dgamma(), b[1].dgamma(), 1e-5);
      Reference.assertClose(mode + "dbeta", b[0].dbeta(), b[1].dbeta(), 1e-5);
      Reference.assertClose(mode + "running var", b[0].runningVar(), b[1].runningVar(), 1e-6);
    }
  }

  @Test
  void withoutDxStillComputesParameterGradients() {
    Buffers full = Buffers.make(DataType.DOUBLE, IMAGE, true);
    INDArray dgamma = Nd4j.create(DataType.DOUBLE, 4);
    INDArray dbeta = Nd4j.create(DataType.DOUBLE, 4);
    INDArray dy = Reference.random(DataType.DOUBLE, 8, IMAGE);
    BatchNorm first =
        new BatchNorm(
                Nd4j.create(DataType.DOUBLE, IMAGE),
                full.x(),
                full.gamma(),
                full.beta(),
                Nd4j.zeros(DataType.DOUBLE, 4),
                Nd4j.ones(DataType.DOUBLE, 4),
                MOMENTUM,
                EPS)
            .withGradients(null, dgamma, dbeta, dy);
    full.dy().assign(dy);
    full.bn().forward(true);
    full.bn().backward();
    first.forward(true);
    first.backward();
    Reference.assertClose("dgamma", full.dgamma(), dgamma, 1e-14);
    Reference.assertClose("dbeta", full.dbeta(), dbeta, 1e-14);
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    for (boolean training : new boolean[] {true, false}) {
      Buffers b = Buffers.make(DataType.FLOAT, IMAGE, true);
      b.dy().assign(Reference.random(DataType.FLOAT, 6, IMAGE));
      b.dx().assign(1e3);
      long[] addresses = {
        b.y().data().address(),
        b.dx().data().address(),
        b.dgamma().data().address(),
        b.dbeta().data().address()
      };
      b.bn().forward(training);
      b.bn().backward();
      INDArray[] once = {b.y().dup(), b.dx().dup(), b.dgamma().dup(), b.dbeta().dup()};
      b.bn().forward(training);
      b.bn().backward();
      long[] after = {
        b.y().data().address(),
        b.dx().data().address(),
        b.dgamma().data().address(),
        b.dbeta().data().address()
      };
      assertEquals(java.util.Arrays.toString(addresses), java.util.Arrays.toString(after));
      Reference.assertIdentical("y", once[0], b.y());
      Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], b.dx());
      Reference.assertIdentical("dgamma (overwritten)", once[2], b.dgamma());
      Reference.assertIdentical("dbeta (overwritten)", once[3], b.dbeta());
    }
  }

  @Test
  void forwardAndBackwardAllocateNothingPerCall() {
    Buffers b = Buffers.make(DataType.FLOAT, new long[] {8, 16, 6, 6}, true);
    b.dy().assign(Reference.random(DataType.FLOAT, 6, b.dy().shape()));
    assertFewBytes("forward(true)", () -> b.bn().forward(true));
    assertFewBytes("backward after training", b.bn()::backward);
    assertFewBytes("forward(false)", () -> b.bn().forward(false));
    assertFewBytes("backward after inference", b.bn()::backward);
  }

  @Test
  void survivesGarbageCollectionOfEverythingItCreated() {
    for (boolean training : new boolean[] {true, false}) {
      Buffers b = Buffers.make(DataType.FLOAT, IMAGE, true);
      b.dy().assign(Reference.random(DataType.FLOAT, 6, IMAGE));
      b.bn().forward(training);
      b.bn().backward();
      INDArray[] before = {b.y().dup(), b.dx().dup(), b.dgamma().dup(), b.dbeta().dup()};
      b.runningMean().assign(0);
      b.runningVar().assign(1);
      collectGarbage();
      b.bn().forward(training);
      b.bn().backward();
      Reference.assertIdentical("y", before[0], b.y());
      Reference.assertIdentical("dx", before[1], b.dx());
      Reference.assertIdentical("dgamma", before[2], b.dgamma());
      Reference.assertIdentical("dbeta", before[3], b.dbeta());
    }
  }

  @Test
  void errorsNameTheProblem() {
    DataType f = DataType.FLOAT;
    INDArray x = Nd4j.create(f, IMAGE);
    INDArray c = Nd4j.create(f, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm(Nd4j.create(f, 3, 4, 5, 3), x, c, c, c, c, 0.1, 1e-5));
    assertTrue(e.getMessage().contains("y must have shape [3, 4, 3, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [3, 4, 5, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm(Nd4j.create(f, IMAGE), x, Nd4j.create(f, 3), c, c, c, 0.1, 1e-5));
    assertTrue(
        e.getMessage().contains("gamma must have shape [4] (one value per channel"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm(Nd4j.create(f, IMAGE), x, c, c, null, c, 0.1, 1e-5));
    assertTrue(e.getMessage().contains("runningMean must not be null"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BatchNorm(
                    Nd4j.create(f, 3, 4, 3), Nd4j.create(f, 3, 4, 3), c, c, c, c, 0.1, 1e-5));
    assertTrue(
        e.getMessage().contains("rank 4 [N, C, H, W] or rank 2 [N, F], but found shape [3, 4, 3]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new BatchNorm(x, x, c, c, c, c, 0.1, 1e-5));
    assertTrue(e.getMessage().contains("y must be a different array from x"), e.getMessage());
    INDArray column = Nd4j.create(f, 4, 3).get(NDArrayIndex.all(), NDArrayIndex.point(1));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm(Nd4j.create(f, IMAGE), x, column, c, c, c, 0.1, 1e-5));
    assertTrue(e.getMessage().contains("gamma must be a dense vector"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm(Nd4j.create(f, IMAGE), x, c, c, c, c, 1.5, 1e-5));
    assertTrue(e.getMessage().contains("momentum must be in [0, 1], got 1.5"), e.getMessage());
    BatchNorm plain = new BatchNorm(Nd4j.create(f, IMAGE), x, null, c, c, c, 0.1, 1e-5);
    var s = assertThrows(IllegalStateException.class, plain::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dgamma, dbeta, dy)"), s.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plain.withGradients(Nd4j.create(f, IMAGE), c, c, Nd4j.create(f, IMAGE)));
    assertTrue(
        e.getMessage().contains("dgamma must be given exactly when gamma is, but gamma is null"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                plain.withGradients(
                    Nd4j.create(f, IMAGE), null, c, Nd4j.create(DataType.DOUBLE, IMAGE)));
    assertTrue(e.getMessage().contains("dy is DOUBLE"), e.getMessage());
    INDArray one = Nd4j.create(f, 1, 4);
    BatchNorm single = new BatchNorm(Nd4j.create(f, 1, 4), one, c, c, c, c, 0.1, 1e-5);
    single.forward(false); // inference on a single sample is fine
    e = assertThrows(IllegalArgumentException.class, () -> single.forward(true));
    assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
  }

  private static INDArray slice(INDArray big) {
    return big.get(
        NDArrayIndex.all(), NDArrayIndex.interval(2, 6), NDArrayIndex.all(), NDArrayIndex.all());
  }

  private static long count(long[] shape) {
    return shape.length == 4 ? shape[0] * shape[2] * shape[3] : shape[0];
  }

  /** Per-channel mean and biased variance of a DOUBLE x, by naive loops. */
  static double[][] stats(INDArray x) {
    int c = (int) x.size(1);
    long per = x.rank() == 4 ? x.size(2) * x.size(3) : 1;
    double[] mean = new double[c];
    double[] var = new double[c];
    double m = x.length() / (double) c;
    for (long i = 0; i < x.length(); i++) {
      mean[(int) (i / per % c)] += x.getDouble(i) / m;
    }
    for (long i = 0; i < x.length(); i++) {
      int k = (int) (i / per % c);
      var[k] += (x.getDouble(i) - mean[k]) * (x.getDouble(i) - mean[k]) / m;
    }
    return new double[][] {mean, var};
  }

  /** (x - mean)/sqrt(var + eps)·gamma + beta per channel (gamma, beta null: 1, 0), in double. */
  static INDArray normalize(
      INDArray x, double[] mean, double[] var, INDArray gamma, INDArray beta) {
    int c = (int) x.size(1);
    long per = x.rank() == 4 ? x.size(2) * x.size(3) : 1;
    INDArray y = Nd4j.create(DataType.DOUBLE, x.shape());
    for (long i = 0; i < x.length(); i++) {
      int k = (int) (i / per % c);
      double g = gamma == null ? 1 : gamma.getDouble(k);
      double b = beta == null ? 0 : beta.getDouble(k);
      y.putScalar(i, (x.getDouble(i) - mean[k]) / Math.sqrt(var[k] + EPS) * g + b);
    }
    return y;
  }

  /**
   * Collects garbage several times and lets JavaCPP's deallocator run, as AllocationTest does: a
   * kernel whose internal views, scratch buffers or contexts were collectable would then compute
   * from freed memory (or crash), so results before and after must be identical.
   */
  static void collectGarbage() {
    for (int i = 0; i < 5; i++) {
      System.gc();
      byte[][] garbage = new byte[64][];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = new byte[1 << 16];
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** As AllocationTest (whose helper is private): heap bytes per call after warm-up, at most 64. */
  static void assertFewBytes(String what, Runnable call) {
    var threads = ManagementFactory.getThreadMXBean();
    assumeTrue(
        threads instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
    var counter = (com.sun.management.ThreadMXBean) threads;
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 200; i++) {
      call.run();
    }
    long before = counter.getThreadAllocatedBytes(id);
    for (int i = 0; i < 200; i++) {
      call.run();
    }
    long perCall = (counter.getThreadAllocatedBytes(id) - before) / 200;
    assertTrue(perCall <= 64, what + " allocated " + perCall + " bytes per call");
  }
}
