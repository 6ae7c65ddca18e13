package dev.netwright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Networks of a thousand nodes: the processor and the code it generates must stay within javac's
 * limits (stack depth, 64 KB methods, 64 KB string constants) and compile in a few seconds.
 */
class LargeNetworksTest {
  private static final int NODES = 1000;

  /**
   * Seconds a thousand-node network may take, generated code included, on a loaded 2-core machine.
   */
  private static final double BOUND = 20;

  private static JavaFileObject network(String attributes, IntFunction<String> node) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < NODES; i++) {
      body.append("  ").append(node.apply(i)).append('\n');
    }
    return Sources.net(attributes, body.toString());
  }

  /** Compiles, turning a javac crash into a failure that says what happened, and times it. */
  private static Compilation compile(String what, JavaFileObject f, String... options) {
    long start = System.nanoTime();
    Compilation c;
    try {
      c =
          javac()
              .withProcessors(new NetworkProcessor())
              .withOptions((Object[]) concat(options, "-Xlint:all", "-Xlint:-processing"))
              .compile(f);
    } catch (Throwable t) {
      fail(
          what
              + ": javac crashed after "
              + String.format("%.1f s", (System.nanoTime() - start) / 1e9)
              + " (compile-testing: "
              + t.getMessage().lines().findFirst().orElse("")
              + "). javac's own log:\n"
              + javacLog(f, options),
          t);
      return null;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s: %s in %.2f s%n", what, c.status(), seconds);
    assertTrue(seconds < BOUND, what + " took " + seconds + " s");
    return c;
  }

  /**
   * What plain javac prints for {@code f}: where compile-testing only says it failed, the crash.
   */
  static String javacLog(JavaFileObject f, String... options) {
    try {
      Path dir = Files.createTempDirectory("netwright-large");
      Path src = dir.resolve("Net.java");
      Files.writeString(src, f.getCharContent(true));
      StringWriter log = new StringWriter();
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-classpath",
                  System.getProperty(
                      "surefire.test.class.path", System.getProperty("java.class.path")),
                  "-processor",
                  NetworkProcessor.class.getName(),
                  "-d",
                  dir.toString(),
                  "-s",
                  dir.toString()));
      args.addAll(List.of(options));
      javac
          .getTask(
              log,
              null,
              null,
              args,
              null,
              javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile()))
          .call();
      List<String> lines =
          log.toString().lines().filter(l -> !l.startsWith("warning: [path]")).toList();
      int at = 0;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("Error")
            || lines.get(i).contains("Exception")
            || lines.get(i).contains("error:")) {
          at = i;
          break;
        }
      }
      return String.join("\n", lines.subList(at, Math.min(lines.size(), at + 12)));
    } catch (IOException e) {
      return "(could not rerun javac: " + e + ")";
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void thousandConvolutionsProcessorOnly() {
    JavaFileObject f =
        network(
            "input = @Input(channels = 2, height = 8, width = 8), head = Head.NONE",
            i -> "@Conv(filters = 2, kernel = 3, pad = 1) @Relu Node conv" + i + "();");
    Compilation c = compile("1000 conv nodes, -proc:only", f, "-proc:only");
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void thousandConvolutionsCompile() {
    JavaFileObject f =
        network(
            "input = @Input(channels = 2, height = 8, width = 8), head = Head.NONE",
            i -> "@Conv(filters = 2, kernel = 3, pad = 1) @Relu Node conv" + i + "();");
    assertThat(compile("1000 conv nodes", f)).succeededWithoutWarnings();
  }

  @Test
  void thousandDenseLayersCompile() {
    JavaFileObject f =
        network(
            "input = @Input(channels = 1, height = 4, width = 4)",
            i -> "@Dense(" + (i == NODES - 1 ? 10 : 8) + ") @Tanh Node fc" + i + "();");
    assertThat(compile("1000 dense nodes", f)).succeededWithoutWarnings();
  }

  @Test
  void threeHundredResidualBlocksCompile() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < NODES / 3; i++) { // three nodes each once expanded: conv1, conv2, their sum
      body.append("  @Residual(filters = 4) Node res").append(i).append("();\n");
    }
    JavaFileObject f =
        Sources.net(
            "input = @Input(channels = 4, height = 6, width = 6), head = Head.NONE",
            body.toString());
    assertThat(compile("333 residual blocks (999 nodes)", f)).succeededWithoutWarnings();
  }

  @Test
  void thousandNodesWithOneMistakeAtTheEnd() {
    JavaFileObject f =
        network(
            "input = @Input(channels = 2, height = 8, width = 8), head = Head.NONE",
            i ->
                i == NODES - 1
                    ? "@Conv(filters = 2, kernel = 30) Node last();"
                    : "@Conv(filters = 2, kernel = 3, pad = 1) @Relu Node conv"
                        + i
                        + "("
                        + (i > 0 ? "Node conv" + (i - 1) : "")
                        + ");");
    Compilation c = compile("1000 nodes, the last broken", f);
    assertThat(c)
        .hadErrorContaining("[netwright/window-too-large]")
        .inFile(f)
        .onLineContaining("kernel = 30");
    assertThat(c).hadErrorCount(1);
  }
}
