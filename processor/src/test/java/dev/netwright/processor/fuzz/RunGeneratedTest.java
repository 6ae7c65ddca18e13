package dev.netwright.processor.fuzz;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.netwright.processor.NetworkProcessor;
import dev.netwright.runtime.model.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Networks the processor accepts must also run: forward, loss and backward of the generated code.
 */
class RunGeneratedTest {
  private static Model load(Compilation c, String model) throws ReflectiveOperationException {
    ClassLoader loader = new Runner.MemoryClassLoader(c, RunGeneratedTest.class.getClassLoader());
    return (Model)
        loader
            .loadClass(model)
            .getConstructor(DataType.class, long.class)
            .newInstance(DataType.DOUBLE, 1L);
  }

  /**
   * MEAN_SQUARED_ERROR is documented as "against targets of the output's shape", and the processor
   * accepts it after a convolution (CLASSES = 0): the generated network must then train on a [N, C,
   * H, W] target.
   */
  @Test
  void meanSquaredErrorOnAFeatureMapRuns() throws Exception {
    Compilation c =
        javac()
            .withProcessors(new NetworkProcessor())
            .withOptions(Harness.OPTIONS)
            .compile(
                JavaFileObjects.forSourceString(
                    "fuzz.Denoiser",
                    "package fuzz;\nimport dev.netwright.dsl.*;\n"
                        + "@Network(input = @Input(channels = 1, height = 6, width = 6), head = Head.MEAN_SQUARED_ERROR)\n"
                        + "interface Denoiser { @Conv(filters = 1, kernel = 3, pad = 1) Node conv1(); }\n"));
    assertThat(c).succeededWithoutWarnings();
    Model m = load(c, "fuzz.DenoiserModel");
    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 6, 6);
    INDArray y;
    try {
      y = m.forward(x);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(
          "the processor accepts a mean-squared-error head on the [1, 6, 6] output of a"
              + " convolution, but the generated network throws on its first forward: "
              + e.getMessage(),
          e);
    }
    assertArrayEquals(new long[] {2, 1, 6, 6}, y.shape());
    double loss = m.loss(x);
    assertTrue(Double.isFinite(loss));
    m.backward();
  }

  /** Every layer kind and a fan-out into concat and add, through the fuzzer's own runner. */
  @Test
  void aNetworkOfEveryLayerRunsAndItsGradientsHold() throws Exception {
    Ast.Net net = new Ast.Net("Every");
    net.channels = 2;
    net.height = 9;
    net.width = 7;
    Ast.Node conv = new Ast.Node("conv1");
    conv.layers.add(new Ast.Conv(4, 3, null, "SAME", null, null, null, null));
    conv.layers.add(new Ast.BatchNorm(null, null, null));
    conv.layers.add(new Ast.Simple(Ast.Kind.RELU));
    Ast.Node left = new Ast.Node("left2");
    left.params.add("conv1");
    left.layers.add(new Ast.Pool(true, 3, 1, null, 1, null, null));
    left.layers.add(new Ast.Lrn(1, null, null, null));
    left.layers.add(new Ast.GroupNorm(2, null, null));
    Ast.Node right = new Ast.Node("right3");
    right.params.add("conv1");
    right.layers.add(new Ast.Conv(4, 1, null, null, null, false, null, "HE_NORMAL", 2));
    right.layers.add(new Ast.Simple(Ast.Kind.TANH));
    Ast.Node sum = new Ast.Node("sum4");
    sum.params.addAll(java.util.List.of("left2", "right3", "conv1"));
    sum.layers.add(new Ast.Simple(Ast.Kind.ADD));
    Ast.Node cat = new Ast.Node("cat5");
    cat.params.addAll(java.util.List.of("sum4", "left2"));
    cat.layers.add(new Ast.Simple(Ast.Kind.CONCAT));
    cat.layers.add(new Ast.Pool(false, 2, null, null, null, "FLOOR", null));
    cat.layers.add(new Ast.Simple(Ast.Kind.SIGMOID));
    Ast.Node fc = new Ast.Node("fc6");
    fc.layers.add(new Ast.Dense(6, 96, null, null));
    fc.layers.add(new Ast.BatchNorm(0.5, null, null));
    fc.layers.add(new Ast.GroupNorm(3, 1e-3, false));
    net.nodes.addAll(java.util.List.of(conv, left, right, sum, cat, fc));
    Oracle.Verdict v = Oracle.judge(net);
    assertTrue(v.valid, v.errors::toString);
    Harness.Case k = new Harness.Case(0, 7, net, v);
    Harness h = new Harness(1);
    h.keep.add(k);
    h.check(java.util.List.of(k));
    assertTrue(h.failures.isEmpty(), () -> h.report(1));
    Runner r = new Runner();
    ClassLoader c = h.compiled.get(k);
    String wrong = r.forward(k, c);
    assertTrue(wrong == null, wrong);
    wrong = r.gradients(k, c, 10);
    assertTrue(wrong == null, wrong);
  }
}
