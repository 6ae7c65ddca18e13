package dev.netwright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.netwright.processor.Sources.compile;
import static dev.netwright.processor.Sources.mnist;
import static dev.netwright.processor.Sources.net;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per declaration error: references, numbers, methods that are not nodes. */
class DeclarationErrorsTest {
  @Test
  void unknownInput() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) Node conv1();\n"
                + "  @Dense(10) Node fc(\n"
                + "      Node conv9);\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/unknown-input] node 'fc' takes input 'conv9', but"
                + " the network has no node 'conv9'. Name one of the nodes declared before it: input, conv1.")
        .inFile(f)
        .onLineContaining("Node conv9");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void laterInput() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5) Node conv1(\n"
                + "      Node conv2);\n"
                + "  @Conv(filters = 4, kernel = 5) Node conv2();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/forward-reference] node 'conv1' takes input 'conv2',"
                + " which is declared after it")
        .inFile(f)
        .onLineContaining("Node conv2);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void zeroFilters() {
    assertNonPositive(
        "@Conv(filters = 0, kernel = 5) Node conv1();",
        "filters = 0",
        "filters must be positive, but node 'conv1' has 0");
  }

  @Test
  void negativeKernel() {
    assertNonPositive(
        "@Conv(filters = 4, kernel = -3) Node conv1();",
        "kernel = -3",
        "kernel must be positive, but node 'conv1' has -3");
  }

  @Test
  void zeroStride() {
    assertNonPositive(
        "@Conv(filters = 4, kernel = 3, stride = 0) Node conv1();",
        "stride = 0",
        "stride must be positive, but node 'conv1' has 0");
  }

  @Test
  void zeroPoolSize() {
    assertNonPositive(
        "@MaxPool(0) Node pool();",
        "@MaxPool(0)",
        "pool size must be positive, but node 'pool' has 0");
  }

  @Test
  void zeroUnits() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1, height = 28, width = 28), head = Head.NONE",
            "  @Dense(0) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("units must be positive, but node 'fc' has 0")
        .inFile(f)
        .onLineContaining("@Dense(0)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void negativeInputSize() {
    JavaFileObject f =
        net(
            "input = @Input(channels = 1,\n height = -28, width = 28)",
            "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("the input's height must be positive, but it is -28")
        .inFile(f)
        .onLineContaining("height = -28");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void samePaddingAndExplicitPad() {
    JavaFileObject f =
        mnist(
            "  @Conv(filters = 4, kernel = 5, padding = Padding.SAME,\n"
                + "        pad = 2) Node conv1();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/padding-conflict]")
        .inFile(f)
        .onLineContaining("pad = 2)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void poolPaddingOverHalfTheWindow() {
    JavaFileObject f =
        mnist(
            "  @MaxPool(value = 2,\n"
                + "      pad = 2) Node pool();\n"
                + "  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/pad-too-large] max pooling in 'pool' pads 2 on each"
                + " side, more than half its 2x2 window")
        .inFile(f)
        .onLineContaining("pad = 2)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void methodWithWrongReturnType() {
    assertNotANode(
        "  @Conv(filters = 4, kernel = 5) int conv1();\n",
        "int conv1()",
        "method 'conv1' is not a node: it returns int, not Node");
  }

  @Test
  void defaultMethod() {
    assertNotANode(
        "  default Node conv1() { return null; }\n",
        "default Node conv1()",
        "method 'conv1' is not a node: it is a default method");
  }

  @Test
  void genericMethod() {
    assertNotANode(
        "  <T> Node conv1();\n", "<T> Node conv1()", "method 'conv1' is not a node: it is generic");
  }

  @Test
  void parameterThatIsNotANode() {
    assertNotANode(
        "  @Dense(10) Node fc(int size);\n",
        "Node fc(int size)",
        "method 'fc' is not a node: its parameter 'size' is a int, not a Node");
  }

  @Test
  void interfaceWithoutNodes() {
    JavaFileObject f = mnist("");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/no-nodes] network 'Net' declares no nodes")
        .inFile(f)
        .onLineContaining("@Network");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void nodeWithoutLayer() {
    JavaFileObject f = mnist("  Node nothing();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/no-layer] node 'nothing' has no layer annotation")
        .inFile(f)
        .onLineContaining("Node nothing()");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void networkOnAClass() {
    JavaFileObject f =
        JavaFileObjects.forSourceString(
            "test.Net",
            Sources.IMPORTS
                + "@Network(input = @Input(channels = 1, height = 28, width = 28))\n"
                + "abstract class Net {}\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining(
            "[netwright/not-an-interface] @Network belongs on an interface,"
                + " but this is a class")
        .inFile(f)
        .onLineContaining("@Network");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void duplicateNodeNames() {
    JavaFileObject f = mnist("  @Dense(32) Node fc();\n" + "  @Dense(10) Node fc(Node fc);\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/duplicate-node]")
        .inFile(f)
        .onLineContaining("Node fc(Node fc)");
    assertThat(c).hadErrorCount(1);
  }

  private static void assertNonPositive(String node, String line, String message) {
    JavaFileObject f = mnist("  " + node + "\n  @Dense(10) Node fc();\n");
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/non-positive] " + message)
        .inFile(f)
        .onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  private static void assertNotANode(String body, String line, String message) {
    JavaFileObject f = mnist("  @Dense(10) Node fc();\n" + body);
    Compilation c = compile(f);
    assertThat(c)
        .hadErrorContaining("[netwright/not-a-node] " + message)
        .inFile(f)
        .onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }
}
