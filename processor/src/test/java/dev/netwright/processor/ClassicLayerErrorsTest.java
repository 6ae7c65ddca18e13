package dev.netwright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;
import static dev.netwright.processor.Sources.net;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per error of the classic layers and heads. */
class ClassicLayerErrorsTest {
  @Test
  void lrnOnADenseOutput() {
    JavaFileObject f =
        mnist("  @Dense(64) @Relu\n" + "  @Lrn Node fc1();\n" + "  @Dense(10) Node fc2();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/needs-spatial] LRN in 'fc1' normalises across the"
                + " channels of a feature map, but the relu before it gives the flat [64] of a dense layer")
        .inFile(f)
        .onLineContaining("@Lrn Node fc1()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void globalPoolingBeforeAConvolution() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 8, kernel = 3) @GlobalAvgPool Node features();\n"
                + "  @Conv(kernel = 3,\n"
                + "      filters = 8) Node more();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/needs-spatial] conv in 'more' needs a [C, H, W] input,"
                + " but its input 'features' gives the flat [8]")
        .inFile(f)
        .onLineContaining("@Conv(kernel = 3,");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void binaryHeadWithMoreThanOneOutput() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 8, width = 8),"
                + " head = Head.SIGMOID_BINARY_CROSS_ENTROPY",
            "  @Dense(16) @Relu Node hidden();\n" + "  @Dense(3) Node out();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/head] sigmoid binary cross-entropy scores one"
                + " probability per example, but the last node 'out' gives [3]. End the network with @Dense(1)")
        .inFile(f)
        .onLineContaining("Node out()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void dropoutProbabilityOutOfRange() {
    JavaFileObject f =
        mnist("  @Dense(64) @Relu @Dropout(1.5) Node fc1();\n  @Dense(10) Node fc2();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/out-of-range] dropout probability in 'fc1' must be in"
                + " [0, 1), but it is 1.5")
        .inFile(f)
        .onLineContaining("@Dropout(1.5)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void batchNormMomentumOutOfRange() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5)\n"
                + "  @BatchNorm(momentum = 0) Node conv1();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/out-of-range] batch-norm momentum in 'conv1' must be in"
                + " (0, 1], but it is 0.0")
        .inFile(f)
        .onLineContaining("momentum = 0");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void softmaxLayerOnAFeatureMap() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 8, width = 8), head = Head.NONE",
            "  @Conv(filters = 4, kernel = 3) @Softmax Node probs();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/needs-flat] softmax in 'probs'")
        .inFile(f)
        .onLineContaining("@Softmax");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void groupNormGroupsThatDoNotDivideTheChannels() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 6, kernel = 5) @GroupNorm(\n"
                + "      groups = 4) Node conv1();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/groups] group norm in 'conv1' splits its 6 channels into 4"
                + " groups, but 6 is not divisible by 4. Use groups = 1, 2, 3 or 6, which divide 6.")
        .inFile(f)
        .onLineContaining("groups = 4");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void groupedConvolutionWhoseInputChannelsDoNotDivide() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 6, kernel = 5) Node conv1();\n"
                + "  @Conv(filters = 8, kernel = 3,\n"
                + "      groups = 4) Node conv2();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/groups] convolution in 'conv2' splits its 6 input channels into"
                + " 4 groups, but 6 is not divisible by 4. Use groups = 1 or 2, which divide both the 6 input channels"
                + " and the 8 filters.")
        .inFile(f)
        .onLineContaining("groups = 4");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void groupedConvolutionWhoseFiltersDoNotDivide() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 8, kernel = 5) Node conv1();\n"
                + "  @Conv(filters = 10, kernel = 3,\n"
                + "      groups = 4) Node conv2();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/groups] convolution in 'conv2' splits its 10 filters into 4"
                + " groups, but 10 is not divisible by 4. Use filters = 8 or 12, or groups = 1, 2, 5 or 10, which"
                + " divide 10.")
        .inFile(f)
        .onLineContaining("groups = 4");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void groupCountsMustBePositive() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 8, kernel = 5, groups = 0) Node conv1();\n"
                + "  @Conv(filters = 8, kernel = 3) @GroupNorm(groups = -2) Node conv2(Node input);\n"
                + "  @Dense(10) Node fc(Node conv1);\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/non-positive] groups must be positive, but node 'conv1' has 0.")
        .inFile(f)
        .onLineContaining("groups = 0");
    assertThat(c)
        .hadErrorContaining(
            "[netwright/non-positive] groups must be positive, but node 'conv2' has -2.")
        .inFile(f)
        .onLineContaining("groups = -2");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void groupNormEpsOutOfRange() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5)\n"
                + "  @GroupNorm(groups = 2, eps = 0) Node conv1();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/out-of-range] group-norm eps in 'conv1' must be positive and"
                + " finite, but it is 0.0")
        .inFile(f)
        .onLineContaining("eps = 0");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void groupedLayersCompileCleanly() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 8, kernel = 3, pad = 1, bias = false) @GroupNorm(groups = 2) @Relu Node stem();\n"
                + "  @Conv(filters = 16, kernel = 3, pad = 1, groups = 8) @GroupNorm(groups = 4, affine = false)\n"
                + "  @Relu Node depthwise();\n"
                + "  @Conv(filters = 8, kernel = 1, groups = 2, init = Init.HE_NORMAL) @MaxPool(2) Node pointwise();\n"
                + "  @Dense(32) @GroupNorm(groups = 4, eps = 1e-3) @Relu Node fc1();\n"
                + "  @Dense(10) Node fc2();\n");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void classicLayersCompileCleanly() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 3, height = 16, width = 16), init = Init.HE_NORMAL",
            "  @Conv(filters = 8, kernel = 3, pad = 1, bias = false) @BatchNorm @Relu @Lrn Node a();\n"
                + "  @Conv(filters = 8, kernel = 3, pad = 1, init = Init.XAVIER_UNIFORM) @Tanh @GlobalAvgPool Node b();\n"
                + "  @Dense(16) @BatchNorm @Sigmoid @Dropout(0.25) Node c();\n"
                + "  @Dense(10) Node d();\n");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void preActivationResidualIsGenerated() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 8, kernel = 5) Node stem();\n"
                + "  @Residual(filters = 16, stride = 2, variant = ResidualVariant.PRE_ACTIVATION) Node res();\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(compile(f)).succeededWithoutWarnings();
  }
}
