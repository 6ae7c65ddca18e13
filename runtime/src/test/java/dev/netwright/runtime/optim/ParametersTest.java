package dev.netwright.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.model.Parameters.Buffer;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

/** Parameters is the optimizers' contract: flat buffers with write-through named views. */
class ParametersTest {
  private static Parameters small(DataType dtype) {
    return Parameters.builder(dtype)
        .add("conv1.weight", 25, 4, 1, 5, 5)
        .add("conv1.bias", 25, 4)
        .add("fc.weight", 64, 10, 64)
        .add("fc.bias", 64, 10)
        .build();
  }

  @Test
  void layoutIsRegistrationOrderWithOffsets() {
    Parameters p = small(DataType.FLOAT);
    assertEquals(100 + 4 + 640 + 10, p.count());
    assertEquals(p.count(), p.values().length());
    assertEquals(p.count(), p.gradients().length());
    List<Parameter> list = p.list();
    assertEquals(
        List.of("conv1.weight", "conv1.bias", "fc.weight", "fc.bias"),
        list.stream().map(Parameter::name).toList());
    assertArrayEquals(
        new long[] {0, 100, 104, 744}, list.stream().mapToLong(Parameter::offset).toArray());
    assertArrayEquals(new long[] {10, 64}, p.get("fc.weight").value().shape());
    assertArrayEquals(new long[] {10, 64}, p.get("fc.weight").gradient().shape());
    assertEquals(DataType.FLOAT, p.get("fc.bias").value().dataType());
  }

  @Test
  void viewsWriteThroughToTheFlatBuffersBothWays() {
    Parameters p = small(DataType.FLOAT);
    Parameter fc = p.get("fc.weight");
    fc.value().putScalar(new long[] {2, 3}, 7.5);
    assertEquals(7.5, p.values().getDouble(fc.offset() + 2 * 64 + 3));
    fc.gradient().assign(1);
    assertEquals(640.0, p.gradients().sumNumber().doubleValue());

    p.values().putScalar(p.get("conv1.bias").offset() + 3, -2.0);
    assertEquals(-2.0, p.get("conv1.bias").value().getDouble(3));
    p.values().assign(0.25);
    assertEquals(0.25, p.get("conv1.weight").value().getDouble(3, 0, 4, 4));
    assertEquals(0.25, p.get("fc.bias").value().getDouble(9));

    p.zeroGradients();
    assertEquals(0.0, fc.gradient().sumNumber().doubleValue());
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT", "DOUBLE"})
  void zeroGradientsClearsEverythingButTheValues(DataType dtype) {
    Parameters p = small(dtype);
    p.values().assign(3);
    p.gradients().assign(Double.NaN);
    p.get("fc.bias").gradient().assign(Double.POSITIVE_INFINITY);
    p.zeroGradients();
    assertEquals(0.0, p.gradients().amaxNumber().doubleValue());
    assertEquals(0.0, p.get("fc.bias").gradient().amaxNumber().doubleValue());
    assertEquals(3.0 * p.count(), p.values().sumNumber().doubleValue());
  }

  @Test
  void zeroGradientsMakesNoGarbage() {
    // It runs once per training step; assign(0) made ~2.6 KB of garbage per call.
    Parameters p = small(DataType.FLOAT);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < 10_000; i++) {
      p.zeroGradients();
    }
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 10_000; i++) {
      p.zeroGradients();
    }
    long perCall = (mx.getThreadAllocatedBytes(thread) - before) / 10_000;
    assertTrue(perCall < 16, perCall + " bytes per call");
  }

  @Test
  void aSingleParameterIsStillAView() {
    Parameters p = Parameters.builder(DataType.DOUBLE).add("w", 3, 2, 3).build();
    p.get("w").value().assign(4);
    assertEquals(24.0, p.values().sumNumber().doubleValue());
    p.values().assign(1);
    assertEquals(6.0, p.get("w").value().sumNumber().doubleValue());
  }

  @Test
  void namesAreUnique() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Parameters.builder(DataType.FLOAT)
                    .add("fc.weight", 4, 2, 4)
                    .add("fc.weight", 4, 2, 4)
                    .build());
    assertTrue(e.getMessage().contains("'fc.weight'"), e.getMessage());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> small(DataType.FLOAT).get("fc2.weight"));
    assertTrue(
        e.getMessage().contains("'fc2.weight'") && e.getMessage().contains("conv1.bias"),
        e.getMessage());
  }

  @Test
  void declarationsThatCannotBeInitialisedAreRejected() {
    IllegalArgumentException fanIn =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parameters.builder(DataType.FLOAT).add("w", 0, 2, 2));
    assertTrue(fanIn.getMessage().contains("fan-in"), fanIn.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parameters.builder(DataType.FLOAT).add("w", 4, 2, 0));
    assertTrue(shape.getMessage().contains("[2, 0]"), shape.getMessage());
  }

  @Test
  void initializeIsDeterministicForASeed() {
    Parameters a = small(DataType.FLOAT);
    Parameters b = small(DataType.FLOAT);
    a.initialize(42);
    b.initialize(42);
    assertEquals(a.values(), b.values());
    b.initialize(43);
    assertFalse(a.values().equals(b.values()));
    a.initialize(43);
    assertEquals(a.values(), b.values());
  }

  @Test
  void initializeDrawsWithinPlusMinusOneOverRootFanIn() {
    Parameters p = small(DataType.DOUBLE);
    p.initialize(7);
    for (Parameter q : p.list()) {
      double bound = 1.0 / Math.sqrt(q.fanIn());
      double max = q.value().amaxNumber().doubleValue();
      assertTrue(max <= bound, q + ": max |value| " + max + " > bound " + bound);
      if (q.length() >= 100) {
        // Uniform draws: the largest of 100+ lands close to the bound, and both signs occur.
        assertTrue(max > 0.9 * bound, q + ": max |value| " + max + " far below bound " + bound);
        assertTrue(
            q.value().minNumber().doubleValue() < 0 && q.value().maxNumber().doubleValue() > 0,
            q.toString());
      }
    }
    assertEquals(0.0, p.values().meanNumber().doubleValue(), 0.05);
  }

  private static Parameters withBatchNorm(DataType dtype) {
    return Parameters.builder(dtype)
        .add("conv1.weight", 25, 4, 1, 5, 5)
        .buffer("bn1.running_mean", 0.0, 4)
        .buffer("bn1.running_var", 1.0, 4)
        .add("fc.bias", 64, 10)
        .build();
  }

  @Test
  void buffersLiveInAThirdFlatBufferWithTheirInitialValues() {
    Parameters p = withBatchNorm(DataType.FLOAT);
    assertEquals(110, p.count());
    assertEquals(110, p.trainableCount());
    assertEquals(110, p.values().length());
    assertEquals(8, p.bufferCount());
    assertEquals(8, p.buffers().length());
    assertEquals(
        List.of("bn1.running_mean", "bn1.running_var"),
        p.bufferList().stream().map(Buffer::name).toList());
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 1, 1}, p.buffers().toDoubleVector(), 0);
    Buffer var = p.buffer("bn1.running_var");
    assertEquals(4, var.offset());
    assertEquals(1.0, var.initialValue());
    assertArrayEquals(new long[] {4}, var.value().shape());
    assertEquals(DataType.FLOAT, var.value().dataType());
  }

  @Test
  void bufferViewsWriteThroughAndInitializeResetsThem() {
    Parameters p = withBatchNorm(DataType.DOUBLE);
    p.buffer("bn1.running_mean").value().putScalar(2, 0.75);
    assertEquals(0.75, p.buffers().getDouble(2));
    p.buffers().putScalar(7, 3.0);
    assertEquals(3.0, p.buffer("bn1.running_var").value().getDouble(3));
    p.initialize(1);
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 1, 1}, p.buffers().toDoubleVector(), 0);
  }

  @Test
  void buffersDoNotChangeTheParametersLayoutOrDraws() {
    Parameters plain = small(DataType.FLOAT);
    Parameters mixed =
        Parameters.builder(DataType.FLOAT)
            .buffer("first", 2.0, 3)
            .add("conv1.weight", 25, 4, 1, 5, 5)
            .add("conv1.bias", 25, 4)
            .buffer("middle", 0.0, 2, 2)
            .add("fc.weight", 64, 10, 64)
            .add("fc.bias", 64, 10)
            .build();
    plain.initialize(9);
    mixed.initialize(9);
    assertEquals(plain.values(), mixed.values());
    assertEquals(744, mixed.get("fc.bias").offset());
    assertEquals(3, mixed.buffer("middle").offset());
  }

  @Test
  void aNetworkWithoutBuffersHasAnUnusedScalar() {
    Parameters p = small(DataType.FLOAT);
    assertEquals(0, p.bufferCount());
    assertTrue(p.bufferList().isEmpty());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.buffer("bn1.running_mean"));
    assertTrue(
        e.getMessage().contains("no buffer 'bn1.running_mean'; the network has none"),
        e.getMessage());
  }

  @Test
  void parametersAndBuffersShareOneNameSpace() {
    IllegalArgumentException clash =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Parameters.builder(DataType.FLOAT)
                    .add("bn.weight", 1, 4)
                    .buffer("bn.weight", 1, 4)
                    .build());
    assertTrue(
        clash.getMessage().contains("a parameter and a buffer are named 'bn.weight'"),
        clash.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parameters.builder(DataType.FLOAT).buffer("m", 0, 4).buffer("m", 0, 4).build());
    assertTrue(twice.getMessage().contains("two buffers are named 'm'"), twice.getMessage());
    IllegalArgumentException wrongKind =
        assertThrows(
            IllegalArgumentException.class, () -> withBatchNorm(DataType.FLOAT).buffer("fc.bias"));
    assertTrue(
        wrongKind.getMessage().contains("'fc.bias' is a parameter: use get"),
        wrongKind.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> withBatchNorm(DataType.FLOAT).get("bn1.running_mean"));
    assertTrue(
        unknown.getMessage().contains("no parameter 'bn1.running_mean'"), unknown.getMessage());
  }

  @Test
  void badBuffersAreRejected() {
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parameters.builder(DataType.FLOAT).buffer("m", 0, 4, 0));
    assertTrue(shape.getMessage().contains("buffer 'm' has shape [4, 0]"), shape.getMessage());
    IllegalArgumentException value =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parameters.builder(DataType.FLOAT).buffer("m", Double.NaN, 4));
    assertTrue(
        value.getMessage().contains("buffer 'm' has initial value NaN; it must be a finite number"),
        value.getMessage());
  }
}
