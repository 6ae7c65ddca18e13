package dev.netwright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import javax.annotation.processing.Processor;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor is registered (AutoService writes META-INF/services), so javac finds it on a plain
 * class path with no {@code -processor} option and no annotationProcessorPaths.
 */
class DiscoveryTest {
  @Test
  void registeredAsAService() {
    List<String> found =
        ServiceLoader.load(Processor.class).stream().map(p -> p.type().getName()).toList();
    assertTrue(found.contains(NetworkProcessor.class.getName()), "service loader found " + found);
  }

  @Test
  void javacDiscoversItOnTheClassPath(@TempDir Path dir) throws IOException {
    Path src = dir.resolve("src/demo/Tiny.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "package demo;\n"
            + "import dev.netwright.dsl.*;\n"
            + "@Network(input = @Input(channels = 1, height = 4, width = 4))\n"
            + "interface Tiny { @Dense(3) Node fc(); }\n");
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter log = new StringWriter();
    int status =
        javac
                .getTask(
                    log,
                    null,
                    null,
                    List.of("-classpath", classPath(), "-d", out.toString(), "-s", out.toString()),
                    null,
                    javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile()))
                .call()
            ? 0
            : 1;
    assertEquals(0, status, log.toString());
    assertTrue(Files.exists(out.resolve("demo/TinyModel.java")), "no generated TinyModel: " + log);
    assertTrue(Files.exists(out.resolve("demo/TinyModel.class")));
  }

  /** Surefire runs tests from a manifest-only jar; it publishes the real class path here. */
  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
