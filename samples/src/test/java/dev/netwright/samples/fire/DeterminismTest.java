package dev.netwright.samples.fire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.samples.SimpleNetModel;
import dev.netwright.samples.TinyClassics_DropoutNetModel;
import dev.netwright.samples.TinyClassics_NormsModel;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The same seed on one ND4J thread trains to bit-identical parameters, batch-norm statistics,
 * optimizer state and losses: 300 shuffled steps, run twice in one JVM, with batch norm and dropout
 * in the network. Another seed gives other weights, so the comparison is not vacuous.
 */
class DeterminismTest {
  private static final int STEPS_PER_EPOCH = 20;
  private static final int EPOCHS = 15;
  private static int previousThreads;

  @BeforeAll
  static void oneThread() {
    previousThreads = Threads.set(1); // reductions split over threads may add in another order
  }

  @AfterAll
  static void restoreThreads() {
    Threads.set(previousThreads);
  }

  static Stream<Arguments> networks() {
    Function<Model, Optimizer> sgd = m -> new Sgd(m.parameters(), 0.01, 0.9);
    Function<Model, Optimizer> adam = m -> Adam.builder(m.parameters(), 1e-3).build();
    return Stream.of(
        Arguments.of(
            "SimpleNet, SGD",
            (LongFunction<Model>) s -> new SimpleNetModel(DataType.FLOAT, s),
            sgd,
            8),
        Arguments.of(
            "NormDrop (batch norm and dropout), Adam",
            (LongFunction<Model>) s -> new FireNets_NormDropModel(DataType.FLOAT, s),
            adam,
            16),
        Arguments.of(
            "TinyClassics.Norms (batch norm, LRN), SGD",
            (LongFunction<Model>) s -> new TinyClassics_NormsModel(DataType.FLOAT, s),
            sgd,
            16),
        Arguments.of(
            "TinyClassics.DropoutNet, Adam",
            (LongFunction<Model>) s -> new TinyClassics_DropoutNetModel(DataType.FLOAT, s),
            adam,
            8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void sameSeedSameBits(
      String name, LongFunction<Model> make, Function<Model, Optimizer> optimizer, int batch) {
    Run first = Run.of(make, optimizer, batch, 5);
    Run second = Run.of(make, optimizer, batch, 5);
    assertEquals(first.losses, second.losses, name + ": losses");
    assertArrayEquals(first.parameters, second.parameters, name + ": parameters");
    assertArrayEquals(first.buffers, second.buffers, name + ": buffers");
    assertArrayEquals(first.state, second.state, name + ": optimizer state");
    assertEquals(STEPS_PER_EPOCH * EPOCHS, first.steps);

    Run other = Run.of(make, optimizer, batch, 6);
    assertFalse(
        Arrays.equals(first.parameters, other.parameters), name + ": another seed, other weights");
  }

  /** What one training run ends with. */
  private record Run(
      List<Double> losses, float[] parameters, float[] buffers, float[] state, long steps) {
    static Run of(
        LongFunction<Model> make, Function<Model, Optimizer> optimizerFor, int batch, long seed) {
      Model net = make.apply(seed);
      Optimizer optimizer = optimizerFor.apply(net);
      List<EpochResult> results;
      try (BatchLoader batches =
          new BatchLoader(
              LongRunTest.data(net, STEPS_PER_EPOCH * batch), batch, true, seed, DataType.FLOAT)) {
        results = Trainer.builder().epochs(EPOCHS).quiet(true).build().fit(net, optimizer, batches);
      }
      float[] state =
          optimizer.state().values().stream()
              .map(a -> a.toFloatVector())
              .reduce(
                  new float[0],
                  (a, b) -> {
                    float[] c = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                  });
      return new Run(
          results.stream().map(EpochResult::loss).toList(),
          net.parameters().values().toFloatVector(),
          net.parameters().buffers().toFloatVector(),
          state,
          optimizer.steps());
    }
  }
}
