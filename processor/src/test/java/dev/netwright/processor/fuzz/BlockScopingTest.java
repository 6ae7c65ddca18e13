package dev.netwright.processor.fuzz;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.netwright.processor.NetworkProcessor;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Regressions the fuzzer found with fresh seeds: names inside a block live in the block's own
 * scope. A block's last node is referred to by the block's name, but what it expands into (a
 * built-in or user block) and its parameters are named under its own path, as PyTorch names a
 * submodule's parameters, so they can clash neither with the block's other nodes nor with each
 * other.
 */
class BlockScopingTest {
  /**
   * A residual, last in a user block, reading a user node named like one of the residual's own
   * convolutions: its shortcut read the residual's conv2 instead of the user's, and the add was
   * refused as [4, 5, 5] + [4, 3, 3].
   */
  @Test
  void residualLastInABlockReadsTheUsersNodeNotItsOwnConvolution() throws Exception {
    Model m =
        compileAndLoad(
            "@Block interface Stage {\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node conv2();\n"
                + "  @Residual(filters = 4, variant = ResidualVariant.BOTTLENECK, stride = 2, expansion = 1)\n"
                + "  Node res3(Node conv2);\n"
                + "}\n"
                + "@Network(input = @Input(channels = 1, height = 9, width = 9), classes = 3)\n"
                + "interface Net {\n"
                + "  Stage blk2();\n"
                + "  @Dense(3) Node fc();\n"
                + "}\n");
    assertEquals(
        List.of(
            "blk2.conv2.weight", "blk2.conv2.bias",
            "blk2.res3.conv1.weight", "blk2.res3.conv1.bias",
            "blk2.res3.conv2.weight", "blk2.res3.conv2.bias",
            "blk2.res3.conv3.weight", "blk2.res3.conv3.bias",
            "blk2.res3.shortcut.weight", "blk2.res3.shortcut.bias",
            "fc.weight", "fc.bias"),
        names(m.parameters()));
    // The shortcut reads the user's conv2 [4, 9, 9] with stride 2: [4, 5, 5], as the body does.
    assertEquals(4 * 5 * 5, m.parameters().get("fc.weight").shape()[1]);
    runs(m, 9);
    // The summary nests the residual inside the block, with its own totals and its output.
    List<String> rows = m.summary().lines().map(l -> l.replaceAll(" +", " ").strip()).toList();
    assertTrue(rows.contains("blk2 Stage [4, 5, 5] 248 8,612"), rows::toString);
    assertTrue(
        rows.contains("res3 Residual(4, stride 2, bottleneck x1) [4, 5, 5] 208 5,696"),
        rows::toString);
    assertTrue(rows.contains("(output) Add [4, 5, 5] 0 0"), rows::toString);
  }

  /**
   * A user block holding a node conv1 whose last node is another block with its own conv1: both
   * were named 'blk6.conv1', and constructing the generated class threw "two parameters are named
   * 'blk6.conv1.weight'".
   */
  @Test
  void nestedBlockLastInABlockNamesItsParametersUnderItsOwnNode() throws Exception {
    Model m =
        compileAndLoad(
            "@Block interface Inner {\n"
                + "  @Conv(filters = 2, kernel = 1) Node conv1();\n"
                + "  @Relu Node out();\n"
                + "}\n"
                + "@Block interface Outer {\n"
                + "  @Conv(filters = 3, kernel = 1) Node conv1();\n"
                + "  Inner first();\n"
                + "  Inner second();\n"
                + "}\n"
                + "@Network(input = @Input(channels = 1, height = 4, width = 4), classes = 2)\n"
                + "interface Net {\n"
                + "  Outer blk6();\n"
                + "  Outer blk7();\n"
                + "  @Dense(2) Node fc();\n"
                + "}\n");
    assertEquals(
        List.of(
            "blk6.conv1.weight", "blk6.conv1.bias",
            "blk6.first.conv1.weight", "blk6.first.conv1.bias",
            "blk6.second.conv1.weight", "blk6.second.conv1.bias",
            "blk7.conv1.weight", "blk7.conv1.bias",
            "blk7.first.conv1.weight", "blk7.first.conv1.bias",
            "blk7.second.conv1.weight", "blk7.second.conv1.bias",
            "fc.weight", "fc.bias"),
        names(m.parameters()));
    runs(m, 4);
  }

  /**
   * A block's last node is referred to as the block ('res1'), but its parameters are named under
   * its own path ('res1.out.weight'), so a sibling called 'bn' cannot take the name of the last
   * node's batch norm ('res1.out.bn.weight').
   */
  @Test
  void lastNodeParametersAreNamedUnderItsOwnPath() throws Exception {
    Model m =
        compileAndLoad(
            "@Block interface Tail {\n"
                + "  @Conv(filters = 2, kernel = 1) @BatchNorm Node bn();\n"
                + "  @Conv(filters = 2, kernel = 1) @BatchNorm Node out();\n"
                + "}\n"
                + "@Network(input = @Input(channels = 1, height = 3, width = 3), classes = 2)\n"
                + "interface Net {\n"
                + "  Tail res1();\n"
                + "  @Dense(2) Node fc(Node res1);\n"
                + "}\n");
    assertEquals(
        List.of(
            "res1.bn.weight",
            "res1.bn.bias",
            "res1.bn.bn.weight",
            "res1.bn.bn.bias",
            "res1.out.weight",
            "res1.out.bias",
            "res1.out.bn.weight",
            "res1.out.bn.bias",
            "fc.weight",
            "fc.bias"),
        names(m.parameters()));
    runs(m, 3);
  }

  private static Model compileAndLoad(String body) throws ReflectiveOperationException {
    Compilation c =
        javac()
            .withProcessors(new NetworkProcessor())
            .withOptions(Harness.OPTIONS)
            .compile(
                JavaFileObjects.forSourceString(
                    "test.Net", "package test;\nimport dev.netwright.dsl.*;\n" + body));
    assertThat(c).succeededWithoutWarnings();
    ClassLoader loader = new Runner.MemoryClassLoader(c, BlockScopingTest.class.getClassLoader());
    return (Model)
        loader
            .loadClass("test.NetModel")
            .getConstructor(DataType.class, long.class)
            .newInstance(DataType.FLOAT, 1L);
  }

  private static List<String> names(Parameters p) {
    return p.list().stream().map(Parameters.Parameter::name).toList();
  }

  private static void runs(Model m, int size) {
    m.setTraining(true);
    m.forward(Nd4j.rand(DataType.FLOAT, 2, 1, size, size));
  }
}
