package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What checkpoints and the training loop rely on, for every optimizer: state, restore, no garbage.
 */
class OptimizerStateTest {
  static Stream<Arguments> optimizers() {
    return Stream.of(
        optimizer("SGD", List.of(), p -> new Sgd(p, 0.1, 0)),
        optimizer("SGD with momentum", List.of("velocity"), p -> new Sgd(p, 0.1, 0.9)),
        optimizer(
            "SGD, Nesterov, weight decay but not on biases",
            List.of("velocity"),
            p ->
                Sgd.builder(p, 0.1)
                    .momentum(0.9)
                    .nesterov(true)
                    .weightDecay(0.01, ".bias")
                    .build()),
        optimizer(
            "Adam with L2",
            List.of("m", "v"),
            p -> Adam.builder(p, 0.01).weightDecay(0.01).build()),
        optimizer(
            "AdamW but not on biases",
            List.of("m", "v"),
            p -> Adam.adamW(p, 0.01).weightDecay(0.05, ".bias").build()));
  }

  private static Arguments optimizer(
      String name, List<String> state, Function<Parameters, Optimizer> make) {
    return Arguments.of(Named.of(name, make), state);
  }

  /** A small network with a batch-norm buffer, values and gradients from fixed seeds. */
  private static Parameters network(DataType dtype) {
    Parameters p =
        Parameters.builder(dtype)
            .add("conv1.weight", 9, 4, 1, 3, 3)
            .add("conv1.bias", 9, 4)
            .buffer("bn1.running_var", 1.0, 4)
            .add("fc.weight", 16, 3, 16)
            .add("fc.bias", 16, 3)
            .build();
    p.initialize(7);
    return p;
  }

  private static void run(Parameters p, Optimizer optimizer, int steps, long seed) {
    for (int i = 0; i < steps; i++) {
      double[] g = new SplittableRandom(seed + i).doubles(p.count(), -1, 1).toArray();
      p.gradients().assign(Nd4j.createFromArray(g).castTo(p.values().dataType()));
      optimizer.step();
    }
  }

  private static Map<String, INDArray> copy(Map<String, INDArray> state) {
    Map<String, INDArray> out = new HashMap<>();
    state.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void stateHasTheDocumentedNamesAndLayout(
      Function<Parameters, Optimizer> make, List<String> names) {
    Parameters p = network(DataType.FLOAT);
    Optimizer optimizer = make.apply(p);
    assertEquals(names, List.copyOf(optimizer.state().keySet()));
    for (INDArray s : optimizer.state().values()) {
      assertArrayEquals(p.values().shape(), s.shape());
      assertEquals(DataType.FLOAT, s.dataType());
      assertEquals(0.0, s.amaxNumber().doubleValue(), "state starts at zero");
    }
    assertEquals(0, optimizer.steps());
    assertThrows(UnsupportedOperationException.class, () -> optimizer.state().put("x", null));
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void restoringStateReplaysStepsExactly(Function<Parameters, Optimizer> make, List<String> names) {
    Parameters p = network(DataType.FLOAT);
    Optimizer optimizer = make.apply(p);
    run(p, optimizer, 3, 1);
    INDArray values = p.values().dup();
    Map<String, INDArray> saved = copy(optimizer.state());
    long steps = optimizer.steps();
    assertEquals(3, steps);

    run(p, optimizer, 2, 10);
    INDArray first = p.values().dup();
    assertNotEquals(values, first);

    // Same optimizer, rewound.
    p.values().assign(values);
    optimizer.restore(saved, steps);
    run(p, optimizer, 2, 10);
    assertEquals(first, p.values());
    assertEquals(5, optimizer.steps());

    // A fresh optimizer, as after loading a checkpoint.
    p.values().assign(values);
    Optimizer loaded = make.apply(p);
    loaded.restore(saved, steps);
    run(p, loaded, 2, 10);
    assertEquals(first, p.values());
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void buffersAreNeverTouched(Function<Parameters, Optimizer> make, List<String> names) {
    Parameters p = network(DataType.DOUBLE);
    Optimizer optimizer = make.apply(p);
    run(p, optimizer, 3, 1);
    assertEquals(1.0, p.buffer("bn1.running_var").value().minNumber().doubleValue());
    assertEquals(1.0, p.buffers().maxNumber().doubleValue());
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void aStepMakesNoGarbage(Function<Parameters, Optimizer> make, List<String> names) {
    Parameters p = network(DataType.FLOAT);
    p.gradients().assign(0.01);
    Optimizer optimizer = make.apply(p);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < 20_000; i++) { // let the JIT compile the step
      optimizer.step();
    }
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 20_000; i++) {
      optimizer.step();
    }
    double perStep = (mx.getThreadAllocatedBytes(thread) - before) / 20_000.0;
    assertTrue(perStep < 16, perStep + " bytes per step");
  }

  @Test
  void restoreChecksNamesShapesTypesAndStepsBeforeCopyingAnything() {
    Parameters p = network(DataType.FLOAT);
    Adam adam = Adam.builder(p, 0.01).build();
    long n = p.count();
    INDArray m = Nd4j.create(DataType.FLOAT, n).assign(1);
    INDArray v = Nd4j.create(DataType.FLOAT, n).assign(2);

    assertMessage(
        "Adam's state is [m, v], but the saved state has [velocity]",
        () -> adam.restore(Map.of("velocity", m), 1));
    assertMessage(
        "Adam's state 'v' is FLOAT[" + n + "], but the saved one is FLOAT[" + (n - 1) + "]",
        () -> adam.restore(Map.of("m", m, "v", Nd4j.create(DataType.FLOAT, n - 1)), 1));
    assertMessage(
        "Adam's state 'v' is FLOAT[" + n + "], but the saved one is DOUBLE[" + n + "]",
        () -> adam.restore(Map.of("m", m, "v", Nd4j.create(DataType.DOUBLE, n)), 1));
    assertMessage(
        "Adam cannot restore a negative step count, -1",
        () -> adam.restore(Map.of("m", m, "v", v), -1));
    assertEquals(
        0.0,
        adam.state().get("m").amaxNumber().doubleValue(),
        "nothing copied by a failed restore");
    assertEquals(0, adam.steps());

    adam.restore(Map.of("m", m, "v", v), 41);
    assertEquals(m, adam.state().get("m"));
    assertEquals(v, adam.state().get("v"));
    assertEquals(41, adam.steps());
    m.assign(5);
    assertEquals(
        1.0,
        adam.state().get("m").getDouble(0),
        "restore copies; it does not keep the caller's arrays");
  }

  @Test
  void statelessSgdRestoresOnlyItsStepCount() {
    Sgd sgd = new Sgd(network(DataType.FLOAT), 0.1, 0);
    assertTrue(sgd.state().isEmpty());
    sgd.restore(Map.of(), 12);
    assertEquals(12, sgd.steps());
    assertMessage(
        "Sgd's state is [], but the saved state has [velocity]",
        () -> sgd.restore(Map.of("velocity", Nd4j.create(DataType.FLOAT, 3)), 0));
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
