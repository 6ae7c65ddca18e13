package dev.netwright.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.net;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Sources a user gets wrong, or right in unusual ways: each compiles to a clean, located error (or
 * compiles cleanly), never to an exception out of javac, an internal error or a cascade of errors
 * after javac's own.
 */
class MalformedSourcesTest {
  private static final String INPUT =
      "input = @Input(channels = 1, height = 8, width = 8), head = Head.NONE";

  /** No diagnostic of the processor's own failure. */
  static void assertNoInternalError(Compilation c) {
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      String m = d.getMessage(Locale.ROOT);
      assertTrue(
          !m.contains("[netwright/internal]"),
          () -> "internal error at line " + d.getLineNumber() + ": " + m);
    }
  }

  /** No error of the processor's: javac's own error about the source is the only one. */
  static void assertOnlyJavacErrors(Compilation c) {
    for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
      String m = d.getMessage(Locale.ROOT);
      assertTrue(
          !m.contains("[netwright/"),
          () ->
              "a cascade after javac's error, at line "
                  + d.getLineNumber()
                  + ": "
                  + m.lines().findFirst().orElse(""));
    }
  }

  static JavaFileObject file(String name, String body) {
    return JavaFileObjects.forSourceString(name, Sources.IMPORTS + body);
  }

  /** The int constants of a generated model. */
  static Map<String, Long> constants(Compilation c, String model) throws IOException {
    String text = c.generatedSourceFile(model).orElseThrow().getCharContent(true).toString();
    Map<String, Long> out = new HashMap<>();
    Matcher m =
        Pattern.compile("public static final (?:int|long) (\\S+) = (-?[\\d_]+)L?;").matcher(text);
    while (m.find()) {
      out.put(m.group(1), Long.parseLong(m.group(2).replace("_", "")));
    }
    return out;
  }

  // --- Missing or mistyped annotation values: javac reports them; the processor adds nothing.

  @Test
  void convWithoutFilters() {
    JavaFileObject f = net(INPUT, "  @Conv(kernel = 3) Node conv1();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("missing a default value for the element 'filters'")
        .inFile(f)
        .onLineContaining("@Conv(kernel = 3)");
    assertThat(c).hadErrorCount(1);
    assertNoInternalError(c);
  }

  @Test
  void inputWithoutWidth() {
    JavaFileObject f =
        net("input = @Input(channels = 1, height = 8), head = Head.NONE", "  @Relu Node a();\n");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("missing a default value for the element 'width'");
    assertThat(c).hadErrorCount(1);
    assertNoInternalError(c);
  }

  @Test
  void networkWithoutInput() {
    JavaFileObject f = net("head = Head.NONE", "  @Relu Node a();\n");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("missing a default value for the element 'input'");
    assertThat(c).hadErrorCount(1);
    assertNoInternalError(c);
  }

  @Test
  void denseWithoutUnits() {
    JavaFileObject f = net(INPUT, "  @Dense Node fc();\n");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("missing a default value for the element 'value'");
    assertThat(c).hadErrorCount(1);
    assertNoInternalError(c);
  }

  @Test
  void stringWhereAnIntBelongs() {
    JavaFileObject f = net(INPUT, "  @Conv(filters = \"8\", kernel = 3) Node conv1();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("incompatible types")
        .inFile(f)
        .onLineContaining("filters = \"8\"");
    assertThat(c).hadErrorCount(1);
    assertNoInternalError(c);
  }

  @Test
  void undefinedConstantAsAValue() {
    JavaFileObject f = net(INPUT, "  @Conv(filters = FILTERS, kernel = 3) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("cannot find symbol")
        .inFile(f)
        .onLineContaining("filters = FILTERS");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void undefinedInputSize() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = SIZE, width = 8), head = Head.NONE",
            "  @Relu Node a();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void undefinedEnumConstant() {
    JavaFileObject f =
        net(INPUT, "  @Conv(filters = 2, kernel = 3, padding = Padding.FULL) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("cannot find symbol")
        .inFile(f)
        .onLineContaining("Padding.FULL");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void returnTypeThatDoesNotResolve() {
    JavaFileObject f = net(INPUT, "  @Conv(filters = 2, kernel = 3) Missing conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("cannot find symbol")
        .inFile(f)
        .onLineContaining("Missing conv1()");
    assertOnlyJavacErrors(c);
  }

  @Test
  void parameterTypeThatDoesNotResolve() {
    JavaFileObject f = net(INPUT, "  @Conv(filters = 2, kernel = 3) Node conv1(Missing x);\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(f).onLineContaining("Missing x");
    assertOnlyJavacErrors(c);
  }

  // --- @Network and @Block on what is not a plain interface.

  private static void assertNotAnInterface(String declaration, String line) {
    JavaFileObject f = file("test.Net", "@Network(" + INPUT + ")\n" + declaration + "\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/not-an-interface]")
        .inFile(f)
        .onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void networkOnAClass() {
    assertNotAnInterface("abstract class Net { abstract Node a(); }", "@Network");
  }

  @Test
  void networkOnAnEnum() {
    assertNotAnInterface("enum Net { A }", "@Network");
  }

  @Test
  void networkOnAnAnnotationType() {
    assertNotAnInterface("@interface Net {}", "@Network");
  }

  @Test
  void networkOnARecord() {
    assertNotAnInterface("record Net(int a) {}", "@Network");
  }

  @Test
  void blockOnAClass() {
    JavaFileObject f = file("test.Net", "@Block\nclass Blk {}\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/not-an-interface]")
        .inFile(f)
        .onLineContaining("class Blk");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void genericNetwork() {
    JavaFileObject f =
        file("test.Net", "@Network(" + INPUT + ")\ninterface Net<T> { @Relu Node a(); }\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/generic-network]")
        .inFile(f)
        .onLineContaining("@Network");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void genericBlock() {
    JavaFileObject f =
        file(
            "test.Net",
            "@Block\ninterface Blk<T> { @Relu Node a(); }\n"
                + "@Network("
                + INPUT
                + ")\ninterface Net { Blk<String> b(); }\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/generic-network]")
        .inFile(f)
        .onLineContaining("@Block");
    assertThat(c).hadErrorCount(1);
  }

  // --- Where the interface is declared.

  @Test
  void staticNestedInterfaceInAClass() {
    JavaFileObject f =
        file(
            "test.Outer",
            "class Outer {\n  @Network("
                + INPUT
                + ")\n"
                + "  interface Inner { @Conv(filters = 2, kernel = 3) Node conv1(); }\n}\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.Outer_InnerModel");
  }

  @Test
  void interfaceInAnInterface() {
    JavaFileObject f =
        file(
            "test.Outer",
            "interface Outer {\n  @Network("
                + INPUT
                + ")\n"
                + "  interface Inner { @Conv(filters = 2, kernel = 3) Node conv1(); }\n}\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.Outer_InnerModel");
  }

  @Test
  void interfaceTwoLevelsDownInAGenericClass() {
    JavaFileObject f =
        file(
            "test.A",
            "class A<T> {\n  static class B {\n    @Network("
                + INPUT
                + ")\n"
                + "    interface C { @Conv(filters = 2, kernel = 3) Node conv1(); }\n  }\n}\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.A_B_CModel");
  }

  @Test
  void blockDeclaredInsideTheNetworkInterface() {
    JavaFileObject f =
        file(
            "test.Net",
            "@Network("
                + INPUT
                + ")\ninterface Net {\n"
                + "  @Block interface Pair { @Conv(filters = 2, kernel = 3, pad = 1) @Relu Node a(); @Relu Node b(); }\n"
                + "  Pair one();\n  Pair two();\n}\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void nestedNetworkWhoseModelNameIsTakenByATopLevelNetwork() {
    JavaFileObject f =
        file(
            "test.Outer",
            "class Outer {\n  @Network("
                + INPUT
                + ")\n"
                + "  interface Inner { @Relu Node a(); }\n}\n"
                + "@Network("
                + INPUT
                + ")\ninterface Outer_Inner { @Relu Node a(); }\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("Outer_InnerModel");
  }

  @Test
  void networkWhoseModelNameIsTakenByAUserClass() {
    JavaFileObject f =
        file(
            "test.Net",
            "@Network(" + INPUT + ")\ninterface Net { @Relu Node a(); }\n" + "class NetModel {}\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("NetModel");
  }

  @Test
  void networkInTheDefaultPackage() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "Net",
            "import dev.netwright.dsl.*;\n"
                + "@Network("
                + INPUT
                + ")\ninterface Net { @Conv(filters = 2, kernel = 3) Node conv1(); }\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("NetModel");
  }

  @Test
  void twoNetworksInOneFile() {
    JavaFileObject f =
        file(
            "test.Nets",
            "@Network("
                + INPUT
                + ")\ninterface First { @Relu Node a(); }\n"
                + "@Network("
                + INPUT
                + ")\ninterface Second { @Conv(filters = 2, kernel = 3) Node b(); }\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.FirstModel");
    assertThat(c).generatedSourceFile("test.SecondModel");
  }

  // --- Node names.

  @Test
  void contextualKeywordsAsNodeNames() throws IOException {
    JavaFileObject f =
        net(
            INPUT,
            "  @Conv(filters = 2, kernel = 3) Node record();\n"
                + "  @Conv(filters = 3, kernel = 1) Node var();\n"
                + "  @Relu Node yield();\n"
                + "  @Relu Node sealed();\n"
                + "  @Relu Node permits();\n"
                + "  @Relu Node module();\n"
                + "  @Conv(filters = 4, kernel = 1) Node when();\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    Map<String, Long> k = constants(c, "test.NetModel");
    assertEquals(2L, k.get("RECORD_CHANNELS"));
    assertEquals(3L, k.get("VAR_CHANNELS"));
    assertEquals(4L, k.get("WHEN_CHANNELS"));
    assertEquals(6L, k.get("WHEN_HEIGHT"));
  }

  @Test
  void namesOfGeneratedMembers() throws IOException {
    JavaFileObject f =
        net(
            INPUT,
            "  @Conv(filters = 2, kernel = 3) Node forward();\n"
                + "  @Relu Node backward();\n"
                + "  @Relu Node summary();\n"
                + "  @Relu Node output();\n"
                + "  @Relu Node loss();\n"
                + "  @Relu Node n();\n"
                + "  @Relu Node b();\n"
                + "  @Relu Node seed();\n"
                + "  @Relu Node probs();\n"
                + "  @Relu Node parameters();\n"
                + "  @Relu Node allocate();\n"
                + "  @Relu Node create();\n"
                + "  @Relu Node outputGradient();\n"
                + "  @Relu Node enableBackward();\n"
                + "  @Relu Node SUMMARY();\n"
                + "  @Relu Node DIAGRAM();\n"
                + "  @Relu Node PARAMETER_COUNT();\n"
                + "  @Relu Node CLASSES();\n"
                + "  @Relu Node INPUT();\n"
                + "  @Conv(filters = 5, kernel = 1) Node newParameters();\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    Map<String, Long> k = constants(c, "test.NetModel");
    assertEquals(5L, k.get("NEW_PARAMETERS_CHANNELS"));
    assertEquals(0L, k.get("CLASSES"));
    assertEquals(1L, k.get("INPUT_CHANNELS"));
  }

  @Test
  void nodeCalledInputIsReserved() {
    JavaFileObject f = net(INPUT, "  @Relu Node a();\n  @Relu Node input();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/reserved-name]")
        .inFile(f)
        .onLineContaining("Node input()");
    assertThat(c).hadErrorCount(1);
  }

  /**
   * conv1 and conv_1 give CONV1_* and CONV_1_*; convA and conv_a would both give CONV_A_*: the
   * processor must refuse the clash where it is written, or keep both nodes' constants apart.
   */
  @Test
  void nodesWhoseConstantsWouldClash() throws IOException {
    JavaFileObject f =
        net(
            INPUT,
            "  @Conv(filters = 2, kernel = 1) Node conv1();\n"
                + "  @Conv(filters = 3, kernel = 1) Node conv_1();\n"
                + "  @Conv(filters = 4, kernel = 1) Node convA();\n"
                + "  @Conv(filters = 5, kernel = 1) Node conv_a();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    if (c.status() == Compilation.Status.FAILURE) {
      assertThat(c).hadErrorContaining("conv_a").inFile(f).onLineContaining("conv_a()");
      return;
    }
    assertThat(c).succeededWithoutWarnings();
    Map<String, Long> k = constants(c, "test.NetModel");
    assertEquals(2L, k.get("CONV1_CHANNELS"));
    assertEquals(3L, k.get("CONV_1_CHANNELS"));
    List<Long> clashing =
        k.entrySet().stream()
            .filter(e -> e.getKey().startsWith("CONV_A_CHANNELS"))
            .map(Map.Entry::getValue)
            .sorted()
            .toList();
    assertEquals(
        List.of(4L, 5L), clashing, "both convA and conv_a keep a channel constant: " + k.keySet());
  }

  @Test
  void unicodeNodeNames() throws IOException {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 8, width = 8), head = Head.NONE",
            "  @Conv(filters = 2, kernel = 3) Node 卷积1();\n"
                + "  @Conv(filters = 3, kernel = 3) @BatchNorm Node größe();\n"
                + "  @Conv(filters = 4, kernel = 1) Node ĉapelo();\n");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    Map<String, Long> k = constants(c, "test.NetModel");
    assertEquals(2L, k.get("卷积1_CHANNELS"));
    assertEquals(3L, k.get("GRÖSSE_CHANNELS"));
    assertEquals(4L, k.get("ĈAPELO_CHANNELS"));
    String model =
        c.generatedSourceFile("test.NetModel").orElseThrow().getCharContent(true).toString();
    assertThat(model).contains("\"größe.bn.running_mean\"");
  }

  // --- Numbers at the edge of int.

  @Test
  void samePaddingWithTheLargestStrideGivesOneRow() throws IOException {
    JavaFileObject f =
        net(
            INPUT,
            "  @Conv(filters = 4, kernel = 3, stride = 2147483647, padding = Padding.SAME) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).succeededWithoutWarnings();
    Map<String, Long> k = constants(c, "test.NetModel");
    assertEquals(1L, k.get("CONV1_HEIGHT"), "ceil(8 / (2^31 - 1)) = 1");
    assertEquals(1L, k.get("CONV1_WIDTH"));
  }

  @Test
  void padPastTheIntRangeIsRefused() {
    JavaFileObject f =
        net(INPUT, "  @Conv(filters = 4, kernel = 3,\n        pad = 2147483647) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("[netwright/").inFile(f).onLineContaining("pad = 2147483647");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void flattenPastTheIntRangeIsRefused() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 100000, width = 100000)",
            "  @Conv(filters = 1, kernel = 1) Node conv1();\n  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("[netwright/").inFile(f);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void filtersPastTheIntRangeAreRefused() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 2, width = 2)",
            "  @Conv(filters = 2000000000, kernel = 1) Node conv1();\n  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("[netwright/");
  }

  @Test
  void infiniteBatchNormEpsIsRefused() {
    JavaFileObject f =
        net(INPUT, "  @Conv(filters = 4, kernel = 3)\n  @BatchNorm(eps = 1.0 / 0) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c)
        .hadErrorContaining("[netwright/out-of-range]")
        .inFile(f)
        .onLineContaining("eps = 1.0 / 0");
    assertThat(c).hadErrorCount(1);
  }

  // --- The network's defaults written out.

  @Test
  void networkInitDefaultWrittenOut() {
    JavaFileObject f =
        net(INPUT + ", init = Init.DEFAULT", "  @Conv(filters = 4, kernel = 3) Node conv1();\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).succeededWithoutWarnings();
  }

  // --- Diagnostics about a node that is a user block.

  private static final String BLOCK =
      "@Block\ninterface Pair {\n"
          + "  @Conv(filters = 2, kernel = 3, pad = 1) @Relu Node first();\n"
          + "  @Conv(filters = 2, kernel = 3, pad = 1) Node second();\n}\n";

  @Test
  void headErrorOnANetworkEndingInAUserBlockIsReportedAtTheNode() {
    JavaFileObject f =
        file(
            "test.Net",
            BLOCK
                + "@Network(input = @Input(channels = 1, height = 8, width = 8))\ninterface Net {\n  Pair pair();\n}\n");
    Compilation c = compile(f);
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("[netwright/head]").inFile(f).onLineContaining("Pair pair()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void unusedUserBlockNodeIsWarnedAtTheNode() {
    JavaFileObject f =
        file(
            "test.Net",
            BLOCK
                + "@Network("
                + INPUT
                + ")\ninterface Net {\n  Pair pair();\n  @Relu Node out(Node input);\n}\n");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining("[netwright/unused-node] node 'pair'")
        .inFile(f)
        .onLineContaining("Pair pair()");
    assertThat(c).hadWarningCount(1);
  }
}
