package dev.netwright.samples.fire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.model.Model;
import dev.netwright.samples.InceptionNetModel;
import dev.netwright.samples.SimpleNetModel;
import dev.netwright.samples.TinyClassics_NormsModel;
import java.util.Arrays;
import java.util.Collections;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What a generated network does with inputs that are not a clean c-order FLOAT batch: the wrong
 * rank, shape or element type and non-finite values are refused with the expected and the found;
 * other layouts and floating-point types give exactly the c-order FLOAT result.
 */
class HostileInputsTest {
  private static int previousThreads;

  @BeforeAll
  static void oneThread() {
    previousThreads =
        Threads.set(1); // much faster than two on a busy machine, and the same results
  }

  @AfterAll
  static void restoreThreads() {
    Threads.set(previousThreads);
  }

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of("SimpleNet", (LongFunction<Model>) s -> new SimpleNetModel(DataType.FLOAT, s)),
        Arguments.of(
            "InceptionNet", (LongFunction<Model>) s -> new InceptionNetModel(DataType.FLOAT, s)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void wrongRankOrShapeNamesTheExpectedAndTheFound(String name, LongFunction<Model> make) {
    Model net = make.apply(1);
    long[][] shapes = {
      {28, 28},
      {1, 28, 28},
      {4, 784},
      {4, 28, 28, 1},
      {4, 1, 28, 28, 1},
      {4, 3, 28, 28},
      {4, 1, 32, 32},
      {4, 1, 28, 27},
      {0, 1, 28, 28}
    };
    for (long[] shape : shapes) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> net.forward(Nd4j.create(DataType.FLOAT, shape)),
              Arrays.toString(shape));
      assertEquals(
          name
              + ".forward expects an input [N, 1, 28, 28] with N >= 1, got "
              + Arrays.toString(shape),
          e.getMessage());
    }
    assertEquals(
        name + ".forward expects an input [N, 1, 28, 28] with N >= 1, got []",
        assertThrows(IllegalArgumentException.class, () -> net.forward(Nd4j.scalar(1f)))
            .getMessage());
    assertEquals(
        name + ".forward expects an input [N, 1, 28, 28], got null",
        assertThrows(IllegalArgumentException.class, () -> net.forward(null)).getMessage());
    assertEquals(0, net.trainingSteps(), "a refused input is not a training step");
  }

  @Test
  void nonFloatingPointTypesAreRefusedNamingTheType() {
    Model net = new SimpleNetModel(DataType.FLOAT, 1);
    INDArray x = input(2, 1);
    for (DataType t :
        new DataType[] {
          DataType.INT, DataType.LONG, DataType.SHORT, DataType.BYTE, DataType.UBYTE, DataType.BOOL
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> net.forward(x.castTo(t)), t.toString());
      assertEquals(
          "SimpleNet.forward expects floating-point input, got "
              + t
              + "; convert it with castTo(DataType.FLOAT)",
          e.getMessage());
    }
    INDArray text = Nd4j.create(Collections.nCopies(784, "0.5"), new long[] {1, 1, 28, 28}, 'c');
    assertEquals(DataType.UTF8, text.dataType());
    assertEquals(
        "SimpleNet.forward expects floating-point input, got UTF8; convert it with castTo(DataType.FLOAT)",
        assertThrows(IllegalArgumentException.class, () -> net.forward(text)).getMessage());
  }

  /** HALF, BFLOAT16 and DOUBLE batches are converted: the result is that of the converted batch. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void otherFloatingPointTypesGiveTheResultOfTheirFloatValues(
      String name, LongFunction<Model> make) {
    Model net = make.apply(2);
    INDArray x = input(3, 2);
    for (DataType t : new DataType[] {DataType.HALF, DataType.BFLOAT16, DataType.DOUBLE}) {
      INDArray typed = x.castTo(t);
      float[] expected = floats(net.forward(typed.castTo(DataType.FLOAT)));
      assertArrayEquals(expected, floats(net.forward(typed)), name + " from " + t);
    }
  }

  /** Layouts other than a dense c-order array: copied in, so the result is bit for bit the same. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void fOrderAndViewsGiveTheCOrderResult(String name, LongFunction<Model> make) {
    Model net = make.apply(3);
    INDArray x = input(4, 3);
    INDArray y = labels(4, 3);
    float[] expected = floats(net.forward(x));
    net.loss(y);
    net.parameters().zeroGradients();
    net.backward();
    float[] gradients = floats(net.parameters().gradients());

    INDArray wide = Nd4j.create(DataType.FLOAT, 8, 1, 40, 40);
    wide.get(
            NDArrayIndex.interval(0, 2, 8),
            NDArrayIndex.all(),
            NDArrayIndex.interval(5, 33),
            NDArrayIndex.interval(3, 31))
        .assign(x);
    INDArray channelsLast = Nd4j.create(DataType.FLOAT, 4, 28, 28, 1);
    channelsLast.assign(x.permute(0, 2, 3, 1));
    INDArray later = Nd4j.create(DataType.FLOAT, 7, 1, 28, 28);
    later.get(NDArrayIndex.interval(3, 7)).assign(x);
    Object[][] layouts = {
      {"'f' order", x.dup('f')},
      {
        "every other example of a wider image, cropped",
        wide.get(
            NDArrayIndex.interval(0, 2, 8),
            NDArrayIndex.all(),
            NDArrayIndex.interval(5, 33),
            NDArrayIndex.interval(3, 31))
      },
      {"a channels-last array permuted", channelsLast.permute(0, 3, 1, 2)},
      {"a view at an offset", later.get(NDArrayIndex.interval(3, 7))},
      {"a transposed 'f' view", x.dup('f').permute(3, 2, 1, 0).permute(3, 2, 1, 0)}
    };
    for (Object[] layout : layouts) {
      INDArray view = (INDArray) layout[1];
      assertArrayEquals(x.shape(), view.shape(), (String) layout[0]);
      assertEquals(x, view, (String) layout[0] + " holds the same values");
      assertArrayEquals(expected, floats(net.forward(view)), name + ": " + layout[0]);
      net.loss(y);
      net.parameters().zeroGradients();
      net.backward();
      assertArrayEquals(
          gradients, floats(net.parameters().gradients()), name + " gradients: " + layout[0]);
    }
  }

  /** The finiteness check covers DOUBLE networks and inputs converted on the way in. */
  @Test
  void nonFiniteValuesAreRefusedInDoubleToo() {
    Model net = new SimpleNetModel(DataType.DOUBLE, 4);
    double[] before = net.parameters().values().toDoubleVector();
    Object[][] cases = {
      {
        new long[] {2, 0, 27, 0},
        Double.POSITIVE_INFINITY,
        "Infinity at example 2, channel 0, row 27, column 0"
      },
      {new long[] {0, 0, 0, 0}, Double.NaN, "NaN at example 0, channel 0, row 0, column 0"},
      {
        new long[] {3, 0, 13, 27},
        Double.NEGATIVE_INFINITY,
        "-Infinity at example 3, channel 0, row 13, column 27"
      }
    };
    for (Object[] c : cases) {
      INDArray x = input(4, 4).castTo(DataType.DOUBLE);
      x.putScalar((long[]) c[0], (double) c[1]);
      assertEquals(
          "SimpleNet.forward: the input holds "
              + c[2]
              + "; a network cannot learn from non-finite"
              + " values: clean the data or check its normalisation",
          assertThrows(IllegalArgumentException.class, () -> net.forward(x)).getMessage());
    }
    assertArrayEquals(before, net.parameters().values().toDoubleVector());
    assertEquals(0, net.trainingSteps());

    INDArray half = input(2, 5).castTo(DataType.HALF);
    half.putScalar(new long[] {1, 0, 2, 3}, Double.NaN);
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new SimpleNetModel(DataType.FLOAT, 4).forward(half))
            .getMessage()
            .startsWith(
                "SimpleNet.forward: the input holds NaN at example 1, channel 0, row 2, column 3;"));
  }

  /** 1e300 is finite in DOUBLE but not in FLOAT: the message says which value it was. */
  @Test
  void aDoubleThatOverflowsFloatIsNamedAsWritten() {
    INDArray x = input(2, 6).castTo(DataType.DOUBLE);
    x.putScalar(new long[] {1, 0, 3, 4}, -1e300);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new SimpleNetModel(DataType.FLOAT, 6).forward(x));
    assertEquals(
        "SimpleNet.forward: the input holds -1.0E300 at example 1, channel 0, row 3, column 4, which is"
            + " -Infinity in FLOAT; a network cannot learn from non-finite values: clean the data or check its"
            + " normalisation",
        e.getMessage());
  }

  /**
   * Loss and backward after a refused forward would mix the refused input with older activations.
   */
  @Test
  void aRefusedForwardLeavesNothingForLossOrBackward() {
    Model net = new SimpleNetModel(DataType.FLOAT, 7);
    INDArray x = input(4, 7);
    net.forward(x);
    net.loss(labels(4, 7));
    INDArray poisoned = x.dup();
    poisoned.putScalar(new long[] {0, 0, 14, 14}, Float.NaN);
    assertThrows(IllegalArgumentException.class, () -> net.forward(poisoned));
    assertEquals(
        "SimpleNet.backward needs a forward pass first",
        assertThrows(IllegalStateException.class, net::backward).getMessage());
    assertEquals(
        "SimpleNet.loss needs a forward pass first",
        assertThrows(IllegalStateException.class, () -> net.loss(labels(4, 7))).getMessage());
    assertEquals(
        "SimpleNet.backward needs a forward pass first",
        assertThrows(
                IllegalStateException.class, () -> net.backward(Nd4j.zeros(DataType.FLOAT, 4, 10)))
            .getMessage());
    net.forward(x);
    assertTrue(Double.isFinite(net.loss(labels(4, 7))), "a good forward works again");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void aBatchOfOneIsTheRowOfALargerBatch(String name, LongFunction<Model> make) {
    Model net = make.apply(8);
    INDArray x = input(3, 8);
    INDArray all = net.forward(x).dup();
    for (int i = 0; i < 3; i++) {
      INDArray one = net.forward(x.get(NDArrayIndex.interval(i, i + 1)));
      assertArrayEquals(new long[] {1, 10}, one.shape());
      assertArrayEquals(floats(all.getRow(i)), floats(one), 1e-5f, name + " example " + i);
    }
    assertTrue(Double.isFinite(net.loss(labels(1, 8))));
    net.parameters().zeroGradients();
    net.backward();
    assertFalse(net.parameters().gradients().isNaN().any(), name);
  }

  /**
   * Batch statistics of one example are no statistics (PyTorch refuses them too): training says so
   * and how to go on; inference uses the running averages and takes a single example.
   */
  @Test
  void batchNormTrainsOnTwoOrMoreAndInfersOnOne() {
    Model net = new TinyClassics_NormsModel(DataType.FLOAT, 1);
    INDArray one = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> net.forward(one));
    assertEquals(
        "BatchNorm: training needs more than one value per channel (as PyTorch), but x [1, 4] has 1:"
            + " train with batches of 2 or more examples, or call setTraining(false) to use the running statistics",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> net.loss(Nd4j.zeros(DataType.FLOAT, 1, 3)));
    net.setTraining(false);
    INDArray output = net.forward(one);
    assertArrayEquals(new long[] {1, 3}, output.shape());
    assertFalse(output.isNaN().any() || output.isInfinite().any(), output.toString());
    net.setTraining(true);
    net.forward(Nd4j.rand(DataType.FLOAT, 2, 2, 5, 5));
    assertTrue(Double.isFinite(net.loss(Nd4j.create(new float[][] {{1, 0, 0}, {0, 0, 1}}))));
  }

  /**
   * 2,000 examples at once (about 1 GB of activations for InceptionNet): the same four examples
   * repeated 500 times give the four's outputs, loss and gradients, the loss being a mean.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void aBatchOfTwoThousand(String name, LongFunction<Model> make) {
    Model net = make.apply(9);
    INDArray four = input(4, 9);
    INDArray fourLabels = labels(4, 9);
    INDArray small = net.forward(four).dup();
    double smallLoss = net.loss(fourLabels);
    net.parameters().zeroGradients();
    net.backward();
    INDArray smallGradients = net.parameters().gradients().dup();

    INDArray big = Nd4j.tile(four, 500, 1, 1, 1);
    INDArray output = net.forward(big);
    assertArrayEquals(new long[] {2000, 10}, output.shape());
    for (int i : new int[] {0, 3, 1001, 1999}) {
      assertArrayEquals(
          floats(small.getRow(i % 4)), floats(output.getRow(i)), 1e-5f, name + " example " + i);
    }
    double bigLoss = net.loss(Nd4j.tile(fourLabels, 500, 1));
    assertEquals(smallLoss, bigLoss, 1e-5 * smallLoss, name + " loss");
    net.parameters().zeroGradients();
    net.backward();
    double difference =
        net.parameters().gradients().sub(smallGradients).norm2Number().doubleValue();
    double scale = smallGradients.norm2Number().doubleValue();
    assertTrue(
        difference < 1e-4 * scale,
        name + ": |gradients(2000) - gradients(4)| = " + difference + " against " + scale);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void labelsOfTheWrongShapeNameTheExpectedAndTheFound(String name, LongFunction<Model> make) {
    Model net = make.apply(10);
    net.forward(input(4, 10));
    Function<INDArray, String> refusal =
        y -> assertThrows(IllegalArgumentException.class, () -> net.loss(y)).getMessage();
    for (long[] shape :
        new long[][] {{4, 9}, {4, 11}, {4}, {5, 10}, {3, 10}, {10, 4}, {4, 10, 1}}) {
      assertEquals(
          name + ".loss expects one-hot labels [4, 10], got " + Arrays.toString(shape),
          refusal.apply(Nd4j.zeros(DataType.FLOAT, shape)),
          Arrays.toString(shape));
    }
    assertEquals(name + ".loss expects one-hot labels [4, 10], got null", refusal.apply(null));
    assertEquals(
        name
            + ".backward() follows loss(labels); call loss first, or backward(outputGradient) for a"
            + " gradient of your own",
        assertThrows(IllegalStateException.class, net::backward).getMessage());
    assertTrue(Double.isFinite(net.loss(labels(4, 10))), "the right labels still work");
    assertTrue(
        Double.isFinite(net.loss(labels(4, 10).castTo(DataType.DOUBLE))),
        "DOUBLE labels are converted");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void callsOutOfOrderSayWhatComesFirst(String name, LongFunction<Model> make) {
    Model net = make.apply(11);
    assertEquals(
        name + ".loss needs a forward pass first",
        assertThrows(IllegalStateException.class, () -> net.loss(labels(2, 11))).getMessage());
    assertEquals(
        name + ".backward needs a forward pass first",
        assertThrows(IllegalStateException.class, net::backward).getMessage());
    assertEquals(
        name + ".backward needs a forward pass first",
        assertThrows(
                IllegalStateException.class, () -> net.backward(Nd4j.zeros(DataType.FLOAT, 2, 10)))
            .getMessage());
    net.forward(input(2, 11));
    assertEquals(
        name
            + ".backward() follows loss(labels); call loss first, or backward(outputGradient) for a"
            + " gradient of your own",
        assertThrows(IllegalStateException.class, net::backward).getMessage());
    for (long[] shape : new long[][] {{2, 9}, {3, 10}, {20}, {2, 10, 1}}) {
      assertEquals(
          name
              + ".backward expects an output gradient [2, 10] (the shape of the last output), got "
              + Arrays.toString(shape),
          assertThrows(
                  IllegalArgumentException.class,
                  () -> net.backward(Nd4j.zeros(DataType.FLOAT, shape)))
              .getMessage());
    }
    assertEquals(
        name
            + ".backward expects an output gradient [2, 10] (the shape of the last output), got null",
        assertThrows(IllegalArgumentException.class, () -> net.backward((INDArray) null))
            .getMessage());
    net.forward(input(5, 12));
    assertEquals(
        name + ".loss expects one-hot labels [5, 10], got [2, 10]",
        assertThrows(IllegalArgumentException.class, () -> net.loss(labels(2, 11))).getMessage(),
        "labels are checked against the last forward's batch, not an earlier one");
    net.parameters().zeroGradients();
    net.backward(Nd4j.ones(DataType.FLOAT, 5, 10));
    assertFalse(net.parameters().gradients().isNaN().any());
  }

  /** A batch of {@code n} inputs in [-1, 2), reproducible from {@code seed}. */
  static INDArray input(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] values = new float[n * 784];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (r.nextDouble() * 3 - 1);
    }
    return Nd4j.create(values, new long[] {n, 1, 28, 28}, DataType.FLOAT);
  }

  /** One-hot labels [n, 10], reproducible from {@code seed}. */
  static INDArray labels(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, r.nextInt(10), 1);
    }
    return y;
  }

  private static float[] floats(INDArray a) {
    return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
  }
}
