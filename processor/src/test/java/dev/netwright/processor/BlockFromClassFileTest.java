package dev.netwright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code @Block} from a class file has parameter names only when it was compiled with {@code
 * -parameters}: without, the error says so; with, the network compiles.
 */
class BlockFromClassFileTest {
  private static final String BLOCK =
      "package lib;\n"
          + "import dev.netwright.dsl.*;\n"
          + "@Block public interface Skip {\n"
          + "  @Conv(filters = 2, kernel = 3, pad = 1) Node conv();\n"
          + "  @Add Node out(Node conv, Node input);\n"
          + "}\n";
  private static final String NET =
      "package app;\n"
          + "import dev.netwright.dsl.*;\n"
          + "@Network(input = @Input(channels = 2, height = 4, width = 4), head = Head.NONE)\n"
          + "interface Net { lib.Skip skip(); }\n";

  @Test
  void withoutParameterNamesTheErrorSaysHowToGetThem(@TempDir Path dir) throws IOException {
    Path lib = compile(dir, "lib", "Skip", BLOCK, List.of(), "");
    StringWriter log = new StringWriter();
    assertEquals(
        1, compile(dir, "app", "Net", NET, List.of(), lib.toString(), log) == null ? 1 : 0);
    assertTrue(log.toString().contains("takes input 'arg0'"), log.toString());
    assertTrue(log.toString().contains("compile the block with -parameters"), log.toString());
  }

  @Test
  void withParameterNamesTheNetworkCompiles(@TempDir Path dir) throws IOException {
    Path lib = compile(dir, "lib", "Skip", BLOCK, List.of("-parameters"), "");
    StringWriter log = new StringWriter();
    assertTrue(
        compile(dir, "app", "Net", NET, List.of(), lib.toString(), log) != null, log.toString());
  }

  private static Path compile(
      Path dir, String name, String type, String source, List<String> options, String classPath)
      throws IOException {
    StringWriter log = new StringWriter();
    Path out = compile(dir, name, type, source, options, classPath, log);
    assertTrue(out != null, log.toString());
    return out;
  }

  /** Compiles one source; returns the class output directory, or null when javac failed. */
  private static Path compile(
      Path dir,
      String name,
      String type,
      String source,
      List<String> options,
      String classPath,
      StringWriter log)
      throws IOException {
    Path src = dir.resolve(name + "-src/" + name + "/" + type + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path out = dir.resolve(name + "-out");
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(options);
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    args.addAll(
        List.of(
            "-classpath",
            classPath.isEmpty() ? cp : cp + java.io.File.pathSeparator + classPath,
            "-d",
            out.toString(),
            "-s",
            out.toString()));
    boolean ok =
        javac
            .getTask(
                log,
                null,
                null,
                args,
                null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile()))
            .call();
    return ok ? out : null;
  }
}
