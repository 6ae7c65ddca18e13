package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.model.GeneratedModel;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch split into parts that run side by side computes what the whole batch does: the same
 * outputs, loss and parameter gradients (DOUBLE, so only the order of the final sums differs), for
 * every head, through loss-and-backward and through backward(outputGradient).
 */
class SplitBatchTest {
  private static final int N = 27; // three parts of 9 with three threads

  private int threads;

  @BeforeEach
  void rememberThreads() {
    threads = Threads.current();
  }

  @AfterEach
  void restoreThreads() {
    Threads.set(threads);
  }

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of("SimpleNet", (Supplier<Model>) () -> new SimpleNetModel(DataType.DOUBLE, 5)),
        Arguments.of(
            "InceptionNet", (Supplier<Model>) () -> new InceptionNetModel(DataType.DOUBLE, 5)),
        Arguments.of("ResNet", (Supplier<Model>) () -> new ResNetModel(DataType.DOUBLE, 5)),
        Arguments.of(
            "sigmoid head",
            (Supplier<Model>) () -> new TinyClassics_BinaryModel(DataType.DOUBLE, 5)),
        Arguments.of(
            "MSE head",
            (Supplier<Model>) () -> new TinyClassics_RegressionModel(DataType.DOUBLE, 5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void splitEqualsWhole(String name, Supplier<Model> network) {
    Model whole = network.get();
    Model split = network.get();
    INDArray x = GradientCheck.input(whole, N, 1);
    INDArray y = targets(whole, N);

    Threads.set(1);
    assertEquals(1, parts(whole, N), name);
    INDArray outWhole = whole.forward(x).dup();
    double lossWhole = whole.loss(y);
    whole.backward();

    Threads.set(3);
    assertEquals(3, parts(split, N), name + " splits in three with three threads");
    INDArray outSplit = split.forward(x).dup();
    double lossSplit = split.loss(y);
    split.backward();

    assertClose(name + " output", outWhole, outSplit);
    assertEquals(lossWhole, lossSplit, 1e-12 * Math.abs(lossWhole), name + " loss");
    assertGradientsClose(name, whole, split);
  }

  /**
   * One image runs unsplit with one native thread per call, and an Inception module's towers side
   * by side on two lanes: bit for bit what one thread computes in order. Two images (about 480,000
   * multiply-adds a call) already run their calls two threads wide, towers in order: equal up to
   * the order of sums inside the calls.
   */
  @Test
  void smallBatchesRunBranchesSideBySideWithTheSameResult() {
    for (int n : new int[] {1, 2}) {
      Model inOrder = new InceptionNetModel(DataType.DOUBLE, 5);
      Model sideBySide = new InceptionNetModel(DataType.DOUBLE, 5);
      INDArray x = GradientCheck.input(inOrder, n, 4);
      INDArray y = targets(inOrder, n);

      Threads.set(1);
      assertEquals(1, ((GeneratedModel<?>) inOrder).branchLanes(n));
      INDArray out = inOrder.forward(x).dup();
      double loss = inOrder.loss(y);
      inOrder.backward();

      Threads.set(2);
      assertEquals(1, parts(sideBySide, n), "batch " + n + " is not split");
      int lanes = n == 1 ? 2 : 1;
      assertEquals(
          lanes,
          ((GeneratedModel<?>) sideBySide).branchLanes(n),
          "batch " + n + ": lanes for the towers");
      assertEquals(1, ((GeneratedModel<?>) sideBySide).branchLanes(64), "batch 64 splits instead");
      assertMatches(n, "batch " + n + " output", out, sideBySide.forward(x));
      assertEquals(
          loss, sideBySide.loss(y), n == 1 ? 0 : 1e-12 * Math.abs(loss), "batch " + n + " loss");
      sideBySide.backward();
      assertMatches(
          n,
          "batch " + n + " gradients",
          inOrder.parameters().gradients(),
          sideBySide.parameters().gradients());
      sideBySide.setTraining(false);
      assertEquals(lanes, ((GeneratedModel<?>) sideBySide).branchLanes(n), "in inference too");
      INDArray inference = sideBySide.forward(x).dup();
      inOrder.setTraining(false);
      Threads.set(1);
      assertMatches(n, "batch " + n + " inference output", inOrder.forward(x), inference);
    }
  }

  @Test
  void backwardFromAGivenOutputGradient() {
    Model whole = new ResNetModel(DataType.DOUBLE, 2);
    Model split = new ResNetModel(DataType.DOUBLE, 2);
    INDArray x = GradientCheck.input(whole, 16, 3);
    INDArray g = Nd4j.rand(DataType.DOUBLE, 16, 10).subi(0.5);
    Threads.set(1);
    whole.forward(x);
    whole.backward(g);
    Threads.set(2);
    assertEquals(2, parts(split, 16));
    split.forward(x);
    split.backward(g);
    assertGradientsClose("ResNet", whole, split);
  }

  @Test
  void repeatedStepsStayEqual() {
    // A second backward overwrites, it does not add to, the parts' own gradients.
    Model whole = new SimpleNetModel(DataType.DOUBLE, 4);
    Model split = new SimpleNetModel(DataType.DOUBLE, 4);
    for (int step = 0; step < 3; step++) {
      INDArray x = GradientCheck.input(whole, 20, step);
      INDArray y = GradientCheck.labels(whole, 20, step);
      Threads.set(1);
      whole.forward(x);
      whole.loss(y);
      whole.parameters().zeroGradients();
      whole.backward();
      Threads.set(2);
      split.forward(x);
      split.loss(y);
      split.parameters().zeroGradients();
      split.backward();
      assertGradientsClose("SimpleNet step " + step, whole, split);
    }
  }

  @Test
  void batchNormAndDropoutSplitOnlyInInference() {
    Threads.set(2);
    for (GeneratedModel<?> m :
        new GeneratedModel<?>[] {
          new TinyClassics_NormsModel(DataType.DOUBLE, 1),
          new TinyClassics_DropoutNetModel(DataType.DOUBLE, 1)
        }) {
      m.setTraining(true);
      assertEquals(1, m.parts(64), m.name() + " in training");
      m.setTraining(false);
      assertEquals(2, m.parts(64), m.name() + " in inference");
    }
    Model whole = new TinyClassics_NormsModel(DataType.DOUBLE, 1);
    Model split = new TinyClassics_NormsModel(DataType.DOUBLE, 1);
    INDArray x = GradientCheck.input(whole, 32, 9);
    whole.setTraining(false);
    split.setTraining(false);
    Threads.set(1);
    INDArray a = whole.forward(x).dup();
    Threads.set(2);
    assertClose("Norms inference output", a, split.forward(x));
  }

  @Test
  void smallBatchesAreNotSplit() {
    Threads.set(2);
    GeneratedModel<?> m = new SimpleNetModel();
    assertEquals(1, m.parts(1));
    assertEquals(1, m.parts(15));
    assertEquals(2, m.parts(16));
    Threads.set(8);
    assertEquals(8, m.parts(64));
    assertEquals(2, m.parts(23));
  }

  private static int parts(Model m, int n) {
    return ((GeneratedModel<?>) m).parts(n);
  }

  private static INDArray targets(Model m, int n) {
    return switch (m.head()) {
      case SIGMOID_BINARY_CROSS_ENTROPY ->
          Nd4j.rand(DataType.DOUBLE, n, 1).gt(0.5).castTo(DataType.DOUBLE);
      case MEAN_SQUARED_ERROR -> Nd4j.rand(DataType.DOUBLE, n, m.outputShape()[0]);
      default -> GradientCheck.labels(m, n, 2);
    };
  }

  private static void assertGradientsClose(String name, Model whole, Model split) {
    for (Parameter p : whole.parameters().list()) {
      assertClose(name + " " + p.name(), p.gradient(), split.parameters().get(p.name()).gradient());
    }
  }

  // Batch 1: bit for bit (INDArray.equals would allow 1e-5); larger: as close as assertClose asks.
  private static void assertMatches(int n, String what, INDArray expected, INDArray actual) {
    if (n > 1) {
      assertClose(what, expected, actual);
      return;
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        expected.dup().data().asDouble(), actual.dup().data().asDouble(), what);
  }

  private static void assertClose(String what, INDArray expected, INDArray actual) {
    double scale = expected.norm2Number().doubleValue();
    double diff = expected.sub(actual).norm2Number().doubleValue();
    assertTrue(scale > 0, what + " is all zeros: the comparison would prove nothing");
    assertTrue(
        diff <= 1e-12 * scale,
        what + ": |split - whole| = " + diff + " against |whole| = " + scale);
  }
}
