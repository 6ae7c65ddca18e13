package dev.netwright.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Test sources: a network body wrapped in the imports every network needs. */
final class Sources {
  private Sources() {}

  static final String IMPORTS = "package test;\n" + "import dev.netwright.dsl.*;\n";

  /** {@code test.Net} with the given network annotation attributes and body. */
  static JavaFileObject net(String networkAttributes, String body) {
    return JavaFileObjects.forSourceString(
        "test.Net",
        IMPORTS + "@Network(" + networkAttributes + ")\n" + "interface Net {\n" + body + "}\n");
  }

  /** {@code test.Net} on a 1x28x28 input with ten classes. */
  static JavaFileObject mnist(String body) {
    return net("input = @Input(channels = 1, height = 28, width = 28), classes = 10", body);
  }

  /**
   * Compiles with every lint but "processing", which would flag the {@code @Generated} annotation
   * on generated code that no processor claims, as in any user's build.
   */
  static Compilation compile(JavaFileObject... files) {
    return javac()
        .withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all", "-Xlint:-processing")
        .compile(files);
  }
}
