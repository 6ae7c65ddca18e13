package dev.netwright.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Branches between a fork and the merge that joins them become a {@code Branches} section in the
 * generated forward (run side by side for small batches); anything else stays in order.
 */
class BranchSectionsTest {
  private static String model(String body) throws IOException {
    Compilation c = compile(mnist(body));
    assertThat(c).succeededWithoutWarnings();
    return c.generatedSourceFile("test.NetModel").orElseThrow().getCharContent(true).toString();
  }

  @Test
  void anInceptionModuleRunsItsFourTowersAsOneSection() throws IOException {
    String model =
        model(
            "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();\n"
                + "  @InceptionA Node mix();\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model)
        .contains(
            "// mix: 4 branches, side by side when the batch is small\n    b.mixBranches.run();\n"
                + "    // mix: [16, 12, 12] -> [88, 12, 12]\n    b.mixConcat.forward();");
    // Native calls per tower (1x1; 1x1 then 5x5; 1x1, 3x3, 3x3; pool then 1x1) and multiply-adds.
    assertThat(model.replaceAll("\\s+", " "))
        .contains(
            "mixBranches = branches(new long[] {1, 2, 3, 2}, new long[] {23040L,"
                + " 1405440L, 1267200L, 34560L}, () -> forwardMixBranch1x1(this), () -> forwardMixBranch5x5_2(this),"
                + " () -> forwardMixBranch3x3_3(this), () -> forwardMixBranch_pool(this));");
    assertThat(model)
        .contains(
            "private void forwardMixBranch3x3_3(Buffers b) {\n"
                + "    // mix.branch3x3_1: [10, 12, 12] -> [16, 12, 12]\n    b.mix_branch3x3_1Conv.forward();\n"
                + "    // mix.branch3x3_2: [16, 12, 12] -> [24, 12, 12]\n    b.mix_branch3x3_2Conv.forward();\n"
                + "    // mix.branch3x3_3: [24, 12, 12] -> [24, 12, 12]\n    b.mix_branch3x3_3Conv.forward();\n  }");
    assertThat(model).contains("protected long multiplyAddsPerCall() {");
  }

  @Test
  void aHandWrittenForkAndConcatIsASection() throws IOException {
    String model =
        model(
            "  @Conv(filters = 4, kernel = 3, pad = 1) Node a();\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) @Relu Node b(Node a);\n"
                + "  @Conv(filters = 2, kernel = 1) Node c1(Node a);\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) @Relu Node c2(Node c1);\n"
                + "  @Concat Node cat(Node b, Node c2);\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).contains("b.catBranches.run();");
    assertThat(model).contains("catBranches = branches(new long[] {2, 3}, ");
    assertThat(model).contains("() -> forwardCatB(this), () -> forwardCatC2(this));");
  }

  @Test
  void anIdentityShortcutHasOneBranchOnlyAndStaysInOrder() throws IOException {
    String model =
        model(
            "  @Conv(filters = 4, kernel = 3, pad = 1) Node a();\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) @Relu Node b();\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node c();\n"
                + "  @Add @Relu Node sum(Node c, Node a);\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).doesNotContain("Branches");
  }

  @Test
  void branchesFromDifferentForksOrReadElsewhereStayInOrder() throws IOException {
    // c also feeds d, and 'other' comes from the input, not from a.
    String model =
        model(
            "  @Conv(filters = 4, kernel = 3, pad = 1) Node a();\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node b(Node a);\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node c(Node a);\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node other(Node input);\n"
                + "  @Concat Node cat(Node b, Node c, Node other);\n"
                + "  @Conv(filters = 12, kernel = 1) Node d(Node c);\n"
                + "  @Add Node sum(Node cat, Node d);\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).doesNotContain("Branches");
  }

  @Test
  void aNodeWrittenBetweenTheBranchesKeepsTheModuleInOrder() throws IOException {
    String model =
        model(
            "  @Conv(filters = 4, kernel = 3, pad = 1) Node a();\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node b(Node a);\n"
                + "  @Conv(filters = 8, kernel = 3, pad = 1) Node other(Node input);\n"
                + "  @Conv(filters = 4, kernel = 3, pad = 1) Node c(Node a);\n"
                + "  @Concat Node cat(Node b, Node c);\n"
                + "  @Add Node sum(Node cat, Node other);\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).doesNotContain("Branches");
  }
}
