package dev.netwright.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Clean networks compile, with their generated code, without a single warning. */
class CleanCompileTest {
  static final String SIMPLE_NET =
      "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();\n"
          + "  @Conv(filters = 20, kernel = 5) @MaxPool(2) @Relu Node conv2();\n"
          + "  @Dense(value = 10, inFeatures = 320) Node fc();\n";

  @Test
  void simpleNetCompilesWithoutWarnings() throws IOException {
    Compilation c = compile(mnist(SIMPLE_NET));
    assertThat(c).succeededWithoutWarnings();
    String model =
        c.generatedSourceFile("test.NetModel").orElseThrow().getCharContent(true).toString();
    assertThat(model).contains("public static final int CONV2_CHANNELS = 20;");
    assertThat(model).contains("public static final long PARAMETER_COUNT = 8_490L;");
    assertThat(model).contains("@Generated(\"dev.netwright.processor.NetworkProcessor\")");
    // The first convolution's input gradient is never computed: nothing upstream learns.
    assertThat(model).contains("conv1Conv.withGradients(null, gradient(\"conv1.weight\")");
  }

  @Test
  void everyLayerKindAndPaddingCompiles() {
    JavaFileObject f =
        Sources.net(
            "input = @Input(channels = 3, height = 17, width = 16)",
            "  @Conv(filters = 6, kernel = 4, stride = 2, padding = Padding.SAME, bias = false) Node a();\n"
                + "  @AvgPool(value = 3, stride = 1, pad = 1) @Relu Node b();\n"
                + "  @MaxPool(value = 3, stride = 2, padding = Padding.SAME) Node c();\n"
                + "  @Conv(filters = 5, kernel = 3, pad = 1) @Relu @Flatten Node d();\n"
                + "  @Dense(7) @Relu Node e();\n"
                + "  @Dense(value = 4, bias = false) Node f();\n");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void nestedInterfacesGetTheirOwnerInTheName() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "test.Outer",
            Sources.IMPORTS
                + "class Outer {\n"
                + "  @Network(input = @Input(channels = 1, height = 4, width = 4))\n"
                + "  interface Inner { @Dense(3) Node fc(); }\n"
                + "}\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.Outer_InnerModel");
  }

  @Test
  void nodeNobodyConsumesIsAWarning() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) Node conv1();\n"
                + "  @Conv(filters = 4, kernel = 3) Node side(Node conv1);\n"
                + "  @Dense(10) Node fc(Node conv1);\n");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining(
            "[netwright/unused-node] node 'side' is computed but nothing" + " consumes it")
        .inFile(f)
        .onLineContaining("Node side(Node conv1)");
    assertThat(c).hadWarningCount(1);
  }
}
