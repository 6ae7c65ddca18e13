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
class ConcatTest {
  // H != W, so that a transposed copy would show.
  private static final long N = 2;
  private static final long H = 4;
  private static final long W = 5;

  static Stream<long[]> channelCounts() {
    return Stream.of(new long[] {1, 3}, new long[] {2, 1, 4}, new long[] {3, 1, 2, 4});
  }

  static INDArray[] inputs(DataType type, long... channels) {
    INDArray[] xs = new INDArray[channels.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Reference.random(type, 10 + i, N, channels[i], H, W);
    }
    return xs;
  }

  static INDArray[] likes(INDArray... xs) {
    return Arrays.stream(xs)
        .map(x -> Nd4j.create(x.dataType(), x.shape()))
        .toArray(INDArray[]::new);
  }

  static INDArray output(DataType type, long... channels) {
    return Nd4j.create(type, N, Arrays.stream(channels).sum(), H, W);
  }

  static INDArray channels(INDArray a, long c0, long c1) {
    return a.get(
        NDArrayIndex.all(), NDArrayIndex.interval(c0, c1), NDArrayIndex.all(), NDArrayIndex.all());
  }

  @ParameterizedTest
  @MethodSource("channelCounts")
  void forwardMatchesNaiveLoop(long[] channels) {
    INDArray[] xs = inputs(DataType.DOUBLE, channels);
    INDArray y = output(DataType.DOUBLE, channels);
    new Concat(y, xs).forward();
    Reference.assertIdentical("concat of " + Arrays.toString(channels), JoinSupport.concat(xs), y);
  }

  /** Small batches copy samples into y's channel slices, larger ones run the native concat. */
  @ParameterizedTest(name = "batch {0}")
  @org.junit.jupiter.params.provider.ValueSource(
      longs = {1, 2, Concat.COPY_BATCH, Concat.COPY_BATCH + 1, 16})
  void bothForwardPathsMatchNaiveLoop(long batch) {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      INDArray[] xs = new INDArray[3];
      long[] channels = {2, 1, 3};
      for (int i = 0; i < xs.length; i++) {
        xs[i] = Reference.random(type, 20 + i, batch, channels[i], H, W);
      }
      // An input that is itself a channel slice of a larger array (not one dense run per sample).
      xs[1] = channels(Reference.random(type, 30, batch, 3, H, W), 1, 2);
      INDArray y = Nd4j.create(type, batch, 6, H, W);
      new Concat(y, xs).forward();
      Reference.assertIdentical(type + " concat, batch " + batch, JoinSupport.concat(xs), y);
    }
  }

  @ParameterizedTest
  @MethodSource("channelCounts")
  void gradientsMatchCentralDifferences(long[] channels) {
    INDArray[] xs = inputs(DataType.DOUBLE, channels);
    INDArray[] dxs = likes(xs);
    INDArray y = output(DataType.DOUBLE, channels);
    INDArray dy = Nd4j.create(DataType.DOUBLE, y.shape());
    Concat concat = new Concat(y, xs).withGradients(dy, dxs);
    Param[] params = new Param[xs.length];
    for (int i = 0; i < xs.length; i++) {
      params[i] = new Param("xs[" + i + "]", xs[i], dxs[i]);
    }
    GradCheck.check(
        "concat " + Arrays.toString(channels),
        concat::forward,
        concat::backward,
        y,
        dy,
        1e-3,
        params);
  }

  @Test
  void aNullGradientEntryIsSkipped() {
    INDArray[] xs = inputs(DataType.DOUBLE, 2, 1, 3);
    INDArray[] dxs = likes(xs);
    dxs[1] = null;
    INDArray y = output(DataType.DOUBLE, 2, 1, 3);
    INDArray dy = Nd4j.create(DataType.DOUBLE, y.shape());
    Concat concat = new Concat(y, xs).withGradients(dy, dxs);
    GradCheck.check(
        "concat with dxs[1] null",
        concat::forward,
        concat::backward,
        y,
        dy,
        1e-3,
        new Param("xs[0]", xs[0], dxs[0]),
        new Param("xs[2]", xs[2], dxs[2]));
  }

  @ParameterizedTest
  @MethodSource("channelCounts")
  void floatAgreesWithDouble(long[] channels) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray[] xs = inputs(types[t], channels);
      INDArray[] dxs = likes(xs);
      INDArray y = output(types[t], channels);
      INDArray dy = Reference.random(types[t], 7, y.shape());
      Concat concat = new Concat(y, xs).withGradients(dy, dxs);
      concat.forward();
      concat.backward();
      results[t] = Arrays.copyOf(dxs, dxs.length + 1);
      results[t][dxs.length] = y;
    }
    for (int i = 0; i < results[0].length; i++) {
      Reference.assertClose("array " + i, results[0][i], results[1][i], 1e-7);
    }
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    INDArray[] xs = inputs(DataType.FLOAT, 3, 1, 2);
    INDArray[] dxs = likes(xs);
    INDArray y = output(DataType.FLOAT, 3, 1, 2);
    INDArray dy = Reference.random(DataType.FLOAT, 5, y.shape());
    Concat concat = new Concat(y, xs).withGradients(dy, dxs);
    long address = y.data().address();
    concat.forward();
    INDArray once = y.dup();
    concat.forward();
    assertEquals(address, y.data().address(), "y keeps its buffer");
    Reference.assertIdentical("y", once, y);
    for (INDArray dx : dxs) {
      dx.assign(Double.NaN); // must be overwritten, not accumulated into
    }
    concat.backward();
    concat.backward();
    long c0 = 0;
    for (int i = 0; i < xs.length; i++) {
      Reference.assertIdentical("dxs[" + i + "]", channels(dy, c0, c0 + xs[i].size(1)), dxs[i]);
      c0 += xs[i].size(1);
    }
  }

  /**
   * Generated code passes views: inputs and dy that are channel slices of larger buffers, a dx that
   * is a channel slice of another concat's gradient or a reshape of a flat buffer, and (on the slow
   * path) a dx whose samples are not contiguous.
   */
  @Test
  void viewsAreReadAndWrittenInPlaceWithoutTouchingTheirNeighbours() {
    INDArray bigX = Reference.random(DataType.DOUBLE, 20, N, 6, H, W);
    INDArray[] xs = {
      channels(bigX, 1, 3),
      Reference.random(DataType.DOUBLE, 21, N, 1, H, W),
      Reference.random(DataType.DOUBLE, 22, N, 3, H, W)
    };
    INDArray y = output(DataType.DOUBLE, 2, 1, 3);
    INDArray bigDy = Reference.random(DataType.DOUBLE, 23, N, 8, H, W);
    INDArray dy = channels(bigDy, 1, 7);
    INDArray nested = JoinSupport.filled(DataType.DOUBLE, -9, N, 5, H, W);
    INDArray flat = JoinSupport.filled(DataType.DOUBLE, -9, N * H * W + 7);
    INDArray nhwc = JoinSupport.filled(DataType.DOUBLE, -9, N, H, W, 3);
    INDArray[] dxs = {
      channels(nested, 2, 4),
      flat.get(NDArrayIndex.interval(3, 3 + N * H * W)).reshape(N, 1, H, W),
      nhwc.permute(0, 3, 1, 2)
    };
    Concat concat = new Concat(y, xs).withGradients(dy, dxs);
    concat.forward();
    concat.backward();
    Reference.assertIdentical("y", JoinSupport.concat(xs), y);
    Reference.assertIdentical("dxs[0]", channels(dy, 0, 2), dxs[0]);
    Reference.assertIdentical("dxs[1]", channels(dy, 2, 3), dxs[1]);
    Reference.assertIdentical("dxs[2]", channels(dy, 3, 6), dxs[2]);
    INDArray untouched = channels(nested, 0, 2);
    assertEquals(-9.0, untouched.maxNumber().doubleValue());
    assertEquals(-9.0, untouched.minNumber().doubleValue());
    assertEquals(-9.0, channels(nested, 4, 5).maxNumber().doubleValue());
    assertEquals(-9.0, flat.getDouble(2));
    assertEquals(-9.0, flat.getDouble(3 + N * H * W));
  }

  /**
   * The slices of dy exist only inside the kernel, and its copies hold raw pointers into them:
   * after several collections, results must equal those before (a freed buffer could crash).
   */
  @Test
  void survivesGarbageCollectionOfTheViewsItCreated() throws InterruptedException {
    INDArray[] xs = inputs(DataType.FLOAT, 2, 3);
    INDArray[] dxs = likes(xs);
    INDArray y = output(DataType.FLOAT, 2, 3);
    INDArray dy = Reference.random(DataType.FLOAT, 9, y.shape());
    Concat concat = new Concat(y, xs).withGradients(dy, dxs);
    for (int i = 0; i < 5; i++) {
      System.gc();
      byte[][] garbage = new byte[64][];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = new byte[1 << 16];
      }
      Thread.sleep(20); // lets JavaCPP's deallocator thread free whatever became unreachable
    }
    concat.forward();
    concat.backward();
    Reference.assertIdentical("y", JoinSupport.concat(xs), y);
    Reference.assertIdentical("dxs[0]", channels(dy, 0, 2), dxs[0]);
    Reference.assertIdentical("dxs[1]", channels(dy, 2, 5), dxs[1]);
  }

  @Test
  void forwardAndBackwardAllocateNothing() {
    INDArray[] xs = inputs(DataType.FLOAT, 3, 1, 2, 4);
    INDArray y = output(DataType.FLOAT, 3, 1, 2, 4);
    Concat concat =
        new Concat(y, xs).withGradients(Nd4j.create(DataType.FLOAT, y.shape()), likes(xs));
    double bytes =
        JoinSupport.bytesPerCall(
            () -> {
              concat.forward();
              concat.backward();
            });
    assertTrue(bytes < 16, bytes + " bytes per forward and backward");
  }

  @Test
  void wrongShapesAreReportedWithExpectedAndFound() {
    INDArray a = Nd4j.create(DataType.FLOAT, 2, 3, 4, 5);
    INDArray y = Nd4j.create(DataType.FLOAT, 2, 5, 4, 5);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Concat(y, a, Nd4j.create(DataType.FLOAT, 2, 2, 3, 5)));
    assertTrue(e.getMessage().contains("xs[1] must have shape [2, 2, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 2, 3, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("xs[0] [2, 3, 4, 5]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Concat(y, a, Nd4j.create(DataType.FLOAT, 2, 2, 4, 6)));
    assertTrue(e.getMessage().contains("found [2, 2, 4, 6]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Concat(y, a, Nd4j.create(DataType.FLOAT, 3, 2, 4, 5)));
    assertTrue(e.getMessage().contains("found [3, 2, 4, 5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Concat(y, a));
    assertTrue(
        e.getMessage().contains("at least 2 inputs, but got 1: [FLOAT[2, 3, 4, 5]]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Concat(y));
    assertTrue(e.getMessage().contains("at least 2 inputs, but got 0"), e.getMessage());
    INDArray b = Nd4j.create(DataType.FLOAT, 2, 1, 4, 5);
    e = assertThrows(IllegalArgumentException.class, () -> new Concat(y, a, b));
    assertTrue(e.getMessage().contains("y must have shape [2, 4, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 5, 4, 5]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Concat(y, a, Nd4j.create(DataType.DOUBLE, 2, 2, 4, 5)));
    assertTrue(e.getMessage().contains("xs[1] is DOUBLE"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Concat(y, a, Nd4j.create(DataType.FLOAT, 2, 2, 4)));
    assertTrue(e.getMessage().contains("xs[1] must have rank 4"), e.getMessage());

    Concat concat = new Concat(y, a, Nd4j.create(DataType.FLOAT, 2, 2, 4, 5));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                concat.withGradients(
                    Nd4j.create(DataType.FLOAT, 2, 5, 4, 5),
                    Nd4j.create(DataType.FLOAT, 2, 3, 4, 5)));
    assertTrue(e.getMessage().contains("one dx per input, 2 in all"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                concat.withGradients(
                    Nd4j.create(DataType.FLOAT, 2, 5, 4, 5),
                    null,
                    Nd4j.create(DataType.FLOAT, 2, 3, 4, 5)));
    assertTrue(e.getMessage().contains("dxs[1] must have shape [2, 2, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 4, 5]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> concat.withGradients(Nd4j.create(DataType.FLOAT, 2, 5, 5, 4), null, null));
    assertTrue(e.getMessage().contains("dy must have shape [2, 5, 4, 5]"), e.getMessage());
  }

  @Test
  void backwardWithoutGradientsSaysWhatToCall() {
    INDArray[] xs = inputs(DataType.FLOAT, 1, 2);
    INDArray y = output(DataType.FLOAT, 1, 2);
    Concat concat = new Concat(y, xs);
    var e = assertThrows(IllegalStateException.class, concat::backward);
    assertTrue(e.getMessage().contains("withGradients"), e.getMessage());
    INDArray dy = Nd4j.create(DataType.FLOAT, y.shape());
    assertSame(concat, concat.withGradients(dy, likes(xs)));
    assertThrows(IllegalStateException.class, () -> concat.withGradients(dy, likes(xs)));
  }
}
