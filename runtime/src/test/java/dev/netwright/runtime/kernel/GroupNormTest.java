package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
class GroupNormTest {
  private static final long[] IMAGE = {3, 6, 3, 5};
  private static final long[] FLAT = {4, 6};
  private static final double EPS = 1e-5;

  /** A shape, a group count and whether there are gamma and beta. */
  record Case(long[] shape, int groups, boolean affine) {
    @Override
    public String toString() {
      return Arrays.toString(shape) + " in " + groups + " groups" + (affine ? "" : ", no affine");
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(IMAGE, 1, true),
        new Case(IMAGE, 2, true),
        new Case(IMAGE, 3, true),
        new Case(IMAGE, 6, true),
        new Case(IMAGE, 2, false),
        new Case(FLAT, 2, true),
        new Case(FLAT, 6, false),
        new Case(new long[] {2, 4, 1, 1}, 2, true));
  }

  /** One kernel with every buffer; x, gamma and beta are seeded, x off-centre and spread. */
  record Buffers(
      GroupNorm gn,
      INDArray y,
      INDArray x,
      INDArray gamma,
      INDArray beta,
      INDArray dx,
      INDArray dgamma,
      INDArray dbeta,
      INDArray dy) {
    static Buffers make(DataType type, Case k) {
      long c = k.shape()[1];
      INDArray x = Reference.random(type, 1, k.shape()).muli(2).addi(0.5);
      INDArray gamma = k.affine() ? Reference.random(type, 2, c).addi(1.5) : null;
      INDArray beta = k.affine() ? Reference.random(type, 3, c) : null;
      INDArray y = Nd4j.create(type, k.shape());
      INDArray dx = Nd4j.create(type, k.shape());
      INDArray dgamma = k.affine() ? Nd4j.create(type, c) : null;
      INDArray dbeta = k.affine() ? Nd4j.create(type, c) : null;
      INDArray dy = Nd4j.create(type, k.shape());
      GroupNorm gn =
          new GroupNorm(y, x, gamma, beta, k.groups(), EPS).withGradients(dx, dgamma, dbeta, dy);
      return new Buffers(gn, y, x, gamma, beta, dx, dgamma, dbeta, dy);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesNaiveReference(Case k) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Buffers b = Buffers.make(type, k);
      b.gn().forward();
      Reference.assertClose(
          k + " " + type,
          reference(b.x(), k.groups(), b.gamma(), b.beta()),
          b.y(),
          type == DataType.DOUBLE ? 1e-12 : 1e-5);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(Case k) {
    Buffers b = Buffers.make(DataType.DOUBLE, k);
    Param x = new Param("x", b.x(), b.dx());
    Param[] params =
        k.affine()
            ? new Param[] {
              x, new Param("gamma", b.gamma(), b.dgamma()), new Param("beta", b.beta(), b.dbeta())
            }
            : new Param[] {x};
    GradCheck.check(
        "groupnorm " + k, b.gn()::forward, b.gn()::backward, b.y(), b.dy(), 1e-5, params);
  }

  /**
   * groups = C normalises each channel of each example alone (instance norm): zero mean, unit
   * variance.
   */
  @Test
  void oneChannelPerGroupStandardisesEachChannelOfEachExample() {
    Case k = new Case(IMAGE, 6, false);
    Buffers b = Buffers.make(DataType.DOUBLE, k);
    b.gn().forward();
    INDArray planes = b.y().reshape(18, 15);
    for (int i = 0; i < 18; i++) {
      INDArray row = planes.getRow(i);
      assertEquals(0.0, row.meanNumber().doubleValue(), 1e-12);
      double variance = row.mul(row).meanNumber().doubleValue();
      assertEquals(1.0, variance, 1e-3, "biased variance 1 up to eps");
    }
  }

  @Test
  void floatAgreesWithDouble() {
    Case k = new Case(IMAGE, 3, true);
    Buffers[] b = {Buffers.make(DataType.DOUBLE, k), Buffers.make(DataType.FLOAT, k)};
    for (Buffers one : b) {
      one.dy().assign(Reference.random(one.x().dataType(), 6, IMAGE));
      one.gn().forward();
      one.gn().backward();
    }
    Reference.assertClose("y", b[0].y(), b[1].y(), 1e-5);
    Reference.assertClose("dx", b[0].dx(), b[1].dx(), 1e-5);
    Reference.assertClose("dgamma", b[0].dgamma(), b[1].dgamma(), 1e-5);
    Reference.assertClose("dbeta", b[0].dbeta(), b[1].dbeta(), 1e-5);
  }

  /** x, y, dx and dy as channel slices of larger buffers take the reduce_sum path. */
  @Test
  void channelSliceViewsGiveTheSameResults() {
    Case k = new Case(IMAGE, 2, true);
    Buffers whole = Buffers.make(DataType.DOUBLE, k);
    INDArray x = slice(Nd4j.create(DataType.DOUBLE, 3, 9, 3, 5));
    INDArray y = slice(Nd4j.create(DataType.DOUBLE, 3, 9, 3, 5));
    INDArray dx = slice(Nd4j.create(DataType.DOUBLE, 3, 9, 3, 5));
    INDArray dy = slice(Nd4j.create(DataType.DOUBLE, 3, 9, 3, 5));
    x.assign(whole.x());
    INDArray dgamma = Nd4j.create(DataType.DOUBLE, 6);
    INDArray dbeta = Nd4j.create(DataType.DOUBLE, 6);
    GroupNorm sliced =
        new GroupNorm(y, x, whole.gamma(), whole.beta(), 2, EPS)
            .withGradients(dx, dgamma, dbeta, dy);
    INDArray r = Reference.random(DataType.DOUBLE, 9, IMAGE);
    whole.dy().assign(r);
    dy.assign(r);
    whole.gn().forward();
    whole.gn().backward();
    sliced.forward();
    sliced.backward();
    Reference.assertClose("y", whole.y(), y, 1e-13);
    Reference.assertClose("dx", whole.dx(), dx, 1e-13);
    Reference.assertClose("dgamma", whole.dgamma(), dgamma, 1e-13);
    Reference.assertClose("dbeta", whole.dbeta(), dbeta, 1e-13);
  }

  @Test
  void withoutDxStillComputesParameterGradients() {
    Case k = new Case(IMAGE, 3, true);
    Buffers full = Buffers.make(DataType.DOUBLE, k);
    INDArray dgamma = Nd4j.create(DataType.DOUBLE, 6);
    INDArray dbeta = Nd4j.create(DataType.DOUBLE, 6);
    INDArray dy = Reference.random(DataType.DOUBLE, 8, IMAGE);
    GroupNorm first =
        new GroupNorm(
                Nd4j.create(DataType.DOUBLE, IMAGE), full.x(), full.gamma(), full.beta(), 3, EPS)
            .withGradients(null, dgamma, dbeta, dy);
    full.dy().assign(dy);
    full.gn().forward();
    full.gn().backward();
    first.forward();
    first.backward();
    Reference.assertClose("dgamma", full.dgamma(), dgamma, 1e-14);
    Reference.assertClose("dbeta", full.dbeta(), dbeta, 1e-14);
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    Buffers b = Buffers.make(DataType.FLOAT, new Case(IMAGE, 2, true));
    b.dy().assign(Reference.random(DataType.FLOAT, 6, IMAGE));
    b.dx().assign(1e3);
    b.dgamma().assign(1e3);
    long[] addresses = {
      b.y().data().address(),
      b.dx().data().address(),
      b.dgamma().data().address(),
      b.dbeta().data().address()
    };
    b.gn().forward();
    b.gn().backward();
    INDArray[] once = {b.y().dup(), b.dx().dup(), b.dgamma().dup(), b.dbeta().dup()};
    b.gn().forward();
    b.gn().backward();
    long[] after = {
      b.y().data().address(),
      b.dx().data().address(),
      b.dgamma().data().address(),
      b.dbeta().data().address()
    };
    assertEquals(Arrays.toString(addresses), Arrays.toString(after));
    Reference.assertIdentical("y", once[0], b.y());
    Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], b.dx());
    Reference.assertIdentical("dgamma (overwritten)", once[2], b.dgamma());
    Reference.assertIdentical("dbeta (overwritten)", once[3], b.dbeta());
  }

  @Test
  void forwardAndBackwardAllocateNothingPerCall() {
    Buffers b = Buffers.make(DataType.FLOAT, new Case(new long[] {8, 16, 6, 6}, 4, true));
    b.dy().assign(Reference.random(DataType.FLOAT, 6, b.dy().shape()));
    BatchNormTest.assertFewBytes("forward", b.gn()::forward);
    BatchNormTest.assertFewBytes("backward", b.gn()::backward);
  }

  @Test
  void survivesGarbageCollectionOfEverythingItCreated() {
    Buffers b = Buffers.make(DataType.FLOAT, new Case(IMAGE, 3, true));
    b.dy().assign(Reference.random(DataType.FLOAT, 6, IMAGE));
    b.gn().forward();
    b.gn().backward();
    INDArray[] before = {b.y().dup(), b.dx().dup(), b.dgamma().dup(), b.dbeta().dup()};
    BatchNormTest.collectGarbage();
    b.gn().forward();
    b.gn().backward();
    Reference.assertIdentical("y", before[0], b.y());
    Reference.assertIdentical("dx", before[1], b.dx());
    Reference.assertIdentical("dgamma", before[2], b.dgamma());
    Reference.assertIdentical("dbeta", before[3], b.dbeta());
  }

  @Test
  void errorsNameTheProblem() {
    DataType f = DataType.FLOAT;
    INDArray x = Nd4j.create(f, IMAGE);
    INDArray c = Nd4j.create(f, 6);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, IMAGE), x, c, c, 4, EPS));
    assertTrue(
        e.getMessage()
            .contains("groups must be positive and divide the 6 channels of x [3, 6, 3, 5], got 4"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, 3, 6, 5, 3), x, c, c, 2, EPS));
    assertTrue(e.getMessage().contains("y must have shape [3, 6, 3, 5]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, IMAGE), x, Nd4j.create(f, 4), c, 2, EPS));
    assertTrue(
        e.getMessage().contains("gamma must have shape [6] (one value per channel"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, 3, 6, 3), Nd4j.create(f, 3, 6, 3), c, c, 2, EPS));
    assertTrue(
        e.getMessage().contains("rank 4 [N, C, H, W] or rank 2 [N, C], but found shape [3, 6, 3]"),
        e.getMessage());
    INDArray column = Nd4j.create(f, 6, 3).get(NDArrayIndex.all(), NDArrayIndex.point(1));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, IMAGE), x, column, c, 2, EPS));
    assertTrue(e.getMessage().contains("gamma must be a dense vector"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNorm(Nd4j.create(f, IMAGE), x, c, c, 2, Double.NaN));
    assertTrue(
        e.getMessage().contains("eps must be finite and not negative, got NaN"), e.getMessage());
    GroupNorm plain = new GroupNorm(Nd4j.create(f, IMAGE), x, null, c, 2, EPS);
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
  }

  private static INDArray slice(INDArray big) {
    return big.get(
        NDArrayIndex.all(), NDArrayIndex.interval(2, 8), NDArrayIndex.all(), NDArrayIndex.all());
  }

  /**
   * PyTorch's group_norm by its definition, in double: per example and group of C/G consecutive
   * channels, (x - mean) / √(biased var + eps), then per channel · gamma + beta (null: 1, 0).
   */
  static INDArray reference(INDArray xIn, int groups, INDArray gamma, INDArray beta) {
    INDArray x = xIn.castTo(DataType.DOUBLE);
    long n = x.size(0);
    long c = x.size(1);
    long per = x.length() / (n * c); // positions
    long size = c / groups * per; // values per group, consecutive in c order
    double[] v = x.dup().reshape(x.length()).toDoubleVector();
    double[] y = new double[v.length];
    for (long start = 0; start < v.length; start += size) {
      double mean = 0;
      for (long i = start; i < start + size; i++) {
        mean += v[(int) i] / size;
      }
      double var = 0;
      for (long i = start; i < start + size; i++) {
        var += (v[(int) i] - mean) * (v[(int) i] - mean) / size;
      }
      for (long i = start; i < start + size; i++) {
        int channel = (int) (i / per % c);
        double g = gamma == null ? 1 : gamma.getDouble(channel);
        double b = beta == null ? 0 : beta.getDouble(channel);
        y[(int) i] = (v[(int) i] - mean) / Math.sqrt(var + EPS) * g + b;
      }
    }
    return Nd4j.createFromArray(y).reshape(x.shape());
  }
}
