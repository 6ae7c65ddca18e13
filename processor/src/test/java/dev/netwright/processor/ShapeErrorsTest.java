package dev.netwright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;
import static dev.netwright.processor.Sources.net;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per shape error: message, file, the line of the offending value, and one error only. */
class ShapeErrorsTest {
  @Test
  void kernelLargerThanInput() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 5, width = 5), head = Head.NONE",
            "  @Conv(filters = 4,\n" + "        kernel = 7) Node conv1();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/window-too-large] convolution in 'conv1' slides a"
                + " 7x7 window over an input of height 5 ([1, 5, 5], VALID)")
        .inFile(f)
        .onLineContaining("kernel = 7");
    assertThat(c).hadErrorContaining("Use a window of at most 5");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void poolLargerThanItsInputAfterEarlierLayers() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) @MaxPool(2) Node conv1();\n"
                + "  @Conv(filters = 4, kernel = 5) Node conv2();\n"
                + "  @MaxPool(16) Node pool();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "max pooling in 'pool' slides a 16x16 window over an input of"
                + " height 8 ([4, 8, 8], VALID)")
        .inFile(f)
        .onLineContaining("@MaxPool(16)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void paddingMakesRoomForTheWindow() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 3, width = 3), head = Head.NONE",
            "  @Conv(filters = 4, kernel = 7, pad = 1) Node conv1();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("over an input of height 5 ([1, 3, 3], padded 1 on each side)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void strideThatDoesNotTile() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 3,\n"
                + "        stride = 2) Node conv1();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/inexact-output] convolution in 'conv1' does not tile"
                + " its input: height 28 ([1, 28, 28], VALID) with window 3 and stride 2 gives (28 - 3) / 2 + 1"
                + " = 13.50, leaving 1 row(s) unused. Use padding = SAME")
        .inFile(f)
        .onLineContaining("stride = 2");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void poolWhoseImplicitStrideDoesNotTileIsReportedAtItsSize() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 4) Node conv1();\n"
                + "  @MaxPool(2) Node pool();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("max pooling in 'pool' does not tile its input: height 25")
        .inFile(f)
        .onLineContaining("@MaxPool(2)");
    assertThat(c).hadErrorContaining("rounding = Rounding.FLOOR");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void floorRoundingAcceptsWhatPyTorchAccepts() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 4) @MaxPool(value = 2, rounding = Rounding.FLOOR) Node conv1();\n"
                + "  @Dense(value = 10, inFeatures = 576) Node fc();\n");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void denseDeclaredInputDisagrees() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();\n"
                + "  @Conv(filters = 20, kernel = 5) @MaxPool(2) @Relu Node conv2();\n"
                + "  @Dense(value = 10,\n"
                + "         inFeatures = 1408) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/dense-input] dense layer in 'fc' declares inFeatures"
                + " = 1408, but its input 'conv2' gives [20, 4, 4] = 320 features. Write inFeatures = 320")
        .inFile(f)
        .onLineContaining("inFeatures = 1408");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void convolutionAfterDenseNeedsSpatialInput() {
    JavaFileObject f =
        mnist(
            "  @Dense(32) Node fc1();\n"
                + "  @Conv(filters = 4, kernel = 3) Node conv();\n"
                + "  @Dense(10) Node fc2();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/needs-spatial] conv in 'conv' needs a [C, H, W]"
                + " input, but its input 'fc1' gives the flat [32]")
        .inFile(f)
        .onLineContaining("@Conv");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void oneRootCauseGivesOneError() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 30) Node conv1();\n"
                + "  @Conv(filters = 4, kernel = 3) Node conv2();\n"
                + "  @MaxPool(2) Node pool();\n"
                + "  @Dense(value = 10, inFeatures = 7) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("'conv1'").inFile(f).onLineContaining("kernel = 30");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void independentMistakesAreEachReported() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 30) Node a();\n"
                + "  @Conv(filters = 0, kernel = 3) Node b(Node input);\n"
                + "  @Dense(10) Node fc(Node b);\n");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("window-too-large").inFile(f).onLineContaining("kernel = 30");
    assertThat(c)
        .hadErrorContaining(
            "[netwright/non-positive] filters must be positive, but node 'b'" + " has 0")
        .inFile(f)
        .onLineContaining("filters = 0");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void softmaxHeadNeedsAFlatOutput() {
    JavaFileObject f = mnist("  @Conv(filters = 10, kernel = 5) Node conv1();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/head] softmax cross-entropy scores the last node"
                + " 'conv1', which gives [10, 24, 24]")
        .inFile(f)
        .onLineContaining("Node conv1()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void classesMustMatchTheLastNode() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 28, width = 28),\n classes = 10",
            "  @Dense(12) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/classes] the network declares classes = 10, but its"
                + " last node 'fc' gives [12]")
        .inFile(f)
        .onLineContaining("classes = 10");
    assertThat(c).hadErrorCount(1);
  }
}
