package dev.netwright.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Gradle runs the processor incrementally as "isolating": every file it writes names exactly one
 * originating element, the {@code @Network} interface. What else it reads is reachable from that
 * interface (a user block is a method's return type), which Gradle's rules for isolating processors
 * allow.
 */
class GradleIncrementalTest {
  @Test
  void declaredIsolating() throws IOException {
    String path = "META-INF/gradle/incremental.annotation.processors";
    try (InputStream in = NetworkProcessor.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(NetworkProcessor.class.getName() + ",isolating\n");
    }
  }

  @Test
  void everyFileHasTheNetworkAsItsOnlyOrigin() {
    Recording recording = new Recording();
    Compilation c =
        javac()
            .withProcessors(recording)
            .compile(
                JavaFileObjects.forSourceString(
                    "test.Skip",
                    Sources.IMPORTS
                        + "@Block interface Skip {\n"
                        + "  @Conv(filters = 4, kernel = 3, pad = 1) @Relu Node conv1();\n"
                        + "  @Conv(filters = 4, kernel = 3, pad = 1) Node conv2();\n"
                        + "  @Add @Relu Node out(Node conv2, Node input);\n"
                        + "}\n"),
                Sources.net(
                    "input = @Input(channels = 4, height = 6, width = 6), classes = 3",
                    "  Skip res1();\n  @Dense(3) Node fc();\n"));
    assertThat(c).succeeded();
    assertThat(recording.origins)
        .containsExactly(
            "test.NetModel (source)", List.of("test.Net"),
            "test/NetModel.dot (resource)", List.of("test.Net"));
  }

  /** Runs the real processor with a Filer that records the originating elements of each file. */
  private static final class Recording extends AbstractProcessor {
    final Map<String, List<String>> origins = new TreeMap<>();
    private final NetworkProcessor processor = new NetworkProcessor();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      processor.init(new Env(env, new RecordingFiler(env.getFiler())));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return processor.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return processor.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return processor.process(annotations, round);
    }

    private List<String> names(Element... elements) {
      List<String> names = new ArrayList<>();
      for (Element e : elements) {
        names.add(((TypeElement) e).getQualifiedName().toString());
      }
      return names;
    }

    private final class RecordingFiler implements Filer {
      private final Filer filer;

      RecordingFiler(Filer filer) {
        this.filer = filer;
      }

      @Override
      public JavaFileObject createSourceFile(CharSequence name, Element... originating)
          throws IOException {
        origins.put(name + " (source)", names(originating));
        return filer.createSourceFile(name, originating);
      }

      @Override
      public JavaFileObject createClassFile(CharSequence name, Element... originating)
          throws IOException {
        origins.put(name + " (class)", names(originating));
        return filer.createClassFile(name, originating);
      }

      @Override
      public FileObject createResource(
          JavaFileManager.Location location,
          CharSequence pkg,
          CharSequence relativeName,
          Element... originating)
          throws IOException {
        origins.put(
            pkg.toString().replace('.', '/') + "/" + relativeName + " (resource)",
            names(originating));
        return filer.createResource(location, pkg, relativeName, originating);
      }

      @Override
      public FileObject getResource(
          JavaFileManager.Location location, CharSequence pkg, CharSequence relativeName)
          throws IOException {
        return filer.getResource(location, pkg, relativeName);
      }
    }
  }

  /** The compiler's environment with another Filer. */
  private record Env(ProcessingEnvironment env, Filer filer) implements ProcessingEnvironment {
    @Override
    public Map<String, String> getOptions() {
      return env.getOptions();
    }

    @Override
    public Messager getMessager() {
      return env.getMessager();
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return env.getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return env.getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return env.getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return env.getLocale();
    }
  }
}
