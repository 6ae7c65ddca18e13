package dev.netwright.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each call of the generated forward and backward says which arrays it writes and reads, so the
 * data flow reads without the constructor; no generated line is wider than 120 columns.
 */
class DataFlowCommentsTest {
  private static String model(String body) throws IOException {
    Compilation c = compile(mnist(body));
    assertThat(c).succeededWithoutWarnings();
    return c.generatedSourceFile("test.NetModel").orElseThrow().getCharContent(true).toString();
  }

  @Test
  void forwardCallsShowWhatTheyWriteAndRead() throws IOException {
    String model =
        model(
            "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();\n"
                + "  @InceptionA Node mix();\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).contains("b.conv1Conv.forward(); // conv1ConvOut <- input\n");
    // In place: ReLU writes over the pooling's output.
    assertThat(model).contains("b.conv1Relu.forward(); // conv1MaxPoolOut <- conv1MaxPoolOut\n");
    // A merge reads every branch; a comment too long for its line goes on below it.
    assertThat(model)
        .contains(
            "b.mixConcat.forward(); // mixConcatOut <- mix_branch1x1ConvOut,"
                + " mix_branch5x5_2ConvOut, mix_branch3x3_3ConvOut,\n    //     mix_branch_poolConvOut\n");
    // Dense reads its input through a flat view, shown as the array it views.
    assertThat(model).contains("b.fcDense.forward(); // fcDenseOut <- mixConcatOut\n");
    // A branch is a chain: its Javadoc shows the arrays from the fork's.
    assertThat(model.replaceAll("\\s+\\* ", " "))
        .contains(
            "Forward of one branch, a call per arrow:"
                + " conv1MaxPoolOut -> mix_branch5x5_1ConvOut -> mix_branch5x5_2ConvOut.");
  }

  @Test
  void backwardCallsShowWhereGradientsGoAndHowBranchesAddUp() throws IOException {
    String model =
        model(
            "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();\n"
                + "  @InceptionA Node mix();\n"
                + "  @Dense(10) Node fc();\n");
    assertThat(model).contains("b.fcDense.backward(); // mixConcatGrad <- fcDenseGrad\n");
    // The first branch in backward order writes the fork's gradient, the others a second buffer
    // added in.
    assertThat(model)
        .contains(
            "b.mix_branch_poolAvgPool.backward(); // conv1MaxPoolGrad <- mix_branch_poolAvgPoolGrad\n");
    assertThat(model)
        .contains(
            "b.mix_branch1x1Conv.backward(); // conv1MaxPoolGradPart <- mix_branch1x1ConvGrad\n"
                + "    b.conv1MaxPoolGradAccumulate.run(); // conv1MaxPoolGrad += conv1MaxPoolGradPart\n");
    // Nothing before the first convolution learns: it writes its parameters' gradients only.
    assertThat(model).contains("b.conv1Conv.backward(); // parameter gradients <- conv1ConvGrad\n");
  }

  @Test
  void noGeneratedLineIsWiderThan120Columns() throws IOException {
    String model =
        model(
            "  @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node aConvolutionWithAVeryLongName();\n"
                + "  @InceptionA Node anInceptionModuleWithAnEvenLongerNameThanThat();\n"
                + "  @Conv(filters = 8, kernel = 3, padding = Padding.SAME) Node oneBranchOfThisNetworkWithAName"
                + "(Node anInceptionModuleWithAnEvenLongerNameThanThat);\n"
                + "  @Conv(filters = 8, kernel = 3, padding = Padding.SAME) Node anotherBranchOfThisNetworkWithAName"
                + "(Node anInceptionModuleWithAnEvenLongerNameThanThat);\n"
                + "  @Add Node theSumOfBothBranchesWithAQuiteLongNameAsWell(Node oneBranchOfThisNetworkWithAName,"
                + " Node anotherBranchOfThisNetworkWithAName);\n"
                + "  @Dense(10) Node fc();\n");
    List<String> wide = model.lines().filter(l -> l.length() > 120).toList();
    assertEquals(List.of(), wide);
  }
}
