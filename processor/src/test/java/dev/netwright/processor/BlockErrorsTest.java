package dev.netwright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;
import static dev.netwright.processor.Sources.net;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per error of the blocks and hand-written graphs. */
class BlockErrorsTest {
  @Test
  void concatOfDifferentHeights() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) Node a();\n"
                + "  @Conv(filters = 4, kernel = 3) Node b(Node input);\n"
                + "  @Concat Node cat(Node a,\n"
                + "      Node b);\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/concat-shape] concat 'cat' joins 'a' [4, 24, 24] and"
                + " 'b' [4, 26, 26], whose height x width differ (24x24 vs 26x26)")
        .inFile(f)
        .onLineContaining("Node b);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void addOfDifferentShapes() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 3, pad = 1) Node a();\n"
                + "  @Conv(filters = 8, kernel = 3, pad = 1) Node b();\n"
                + "  @Add Node sum(Node b,\n"
                + "      Node a);\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/add-shape] add 'sum' sums 'b' [8, 28, 28] and 'a'"
                + " [4, 28, 28], whose shapes differ")
        .inFile(f)
        .onLineContaining("Node a);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void residualWithoutProjectionWhoseShapesDiffer() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 16, kernel = 5) Node conv1();\n"
                + "  @Residual(filters = 32,\n"
                + "      projection = Projection.NEVER) Node res();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/residual-shape] residual 'res' adds its input"
                + " [16, 24, 24] to its body's output of 32 channels: channel counts differ, and projection"
                + " = NEVER forbids a 1x1 projection. Use projection = AUTO or filters = 16.")
        .inFile(f)
        .onLineContaining("projection = Projection.NEVER");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void zeroBranchWidth() {
    JavaFileObject f =
        mnist(
            "  @Inception(conv1x1 = 64, reduce3x3 = 96, conv3x3 = 128, reduce5x5 = 16,\n"
                + "      conv5x5 = 0, poolProjection = 32) Node mix();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/non-positive] conv5x5 of Inception 'mix' must be"
                + " positive, but it is 0")
        .inFile(f)
        .onLineContaining("conv5x5 = 0");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void blockWhoseOutputWouldBeEmpty() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 3, height = 4, width = 4), head = Head.NONE",
            "  @VGGBlock(convs = 1, filters = 8) Node vgg1();\n"
                + "  @VGGBlock(convs = 1, filters = 8) Node vgg2();\n"
                + "  @VGGBlock(filters = 8, convs = 1) Node vgg3();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/window-too-large] max pooling in 'vgg3' slides a 2x2"
                + " window over an input of height 1 ([8, 1, 1], VALID), so its output would be empty")
        .inFile(f)
        .onLineContaining("Node vgg3()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void mergeWithOneInput() {
    JavaFileObject f = mnist("  @Concat Node cat();\n  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/input-count] node 'cat' starts with concat, which"
                + " needs two or more inputs, but it names 1")
        .inFile(f)
        .onLineContaining("Node cat()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void mergeAfterAnotherLayer() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) Node a();\n"
                + "  @Conv(filters = 4, kernel = 5) Node b(Node input);\n"
                + "  @Relu @Add Node sum(Node a, Node b);\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/merge-position] add in 'sum' must be the node's first" + " layer")
        .inFile(f)
        .onLineContaining("@Relu @Add");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void blockThatUsesItself() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "test.Net",
            Sources.IMPORTS
                + "@Block interface Loop {\n"
                + "  @Relu Node a();\n"
                + "  Loop again();\n"
                + "}\n"
                + "@Network(input = @Input(channels = 1, height = 4, width = 4), head = Head.NONE)\n"
                + "interface Net { Loop loop(); }\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/block-cycle] block test.Loop -> test.Loop uses itself")
        .inFile(f)
        .onLineContaining("Loop again();");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void blocksThatUseEachOther() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "test.Net",
            Sources.IMPORTS
                + "@Block interface Ping { @Relu Node a(); Pong b(); }\n"
                + "@Block interface Pong { @Relu Node a(); Ping b(); }\n"
                + "@Network(input = @Input(channels = 1, height = 4, width = 4), head = Head.NONE)\n"
                + "interface Net { Ping p(); }\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/block-cycle] block test.Ping -> test.Pong -> test.Ping" + " uses itself")
        .inFile(f)
        .onLineContaining("interface Pong");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void errorInsideAUserBlockIsReportedOnceWhereItIsWritten() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "test.Net",
            Sources.IMPORTS
                + "@Block interface Bad {\n"
                + "  @Conv(filters = 0, kernel = 3) Node conv();\n"
                + "}\n"
                + "@Network(input = @Input(channels = 1, height = 8, width = 8), head = Head.NONE)\n"
                + "interface Net { Bad one(); Bad two(); }\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("filters must be positive, but node 'conv' has 0")
        .inFile(f)
        .onLineContaining("filters = 0");
    assertThat(c).hadErrorCount(1);
  }
}
