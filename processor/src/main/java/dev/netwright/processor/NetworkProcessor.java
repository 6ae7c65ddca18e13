package dev.netwright.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.netwright.dsl.Network;
import dev.netwright.processor.graph.GraphBuilder;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.source.JavacLocation;
import dev.netwright.processor.source.NetworkParser;
import dev.netwright.processor.writing.ModelWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Turns every {@code @Network} interface into a generated {@code <Name>Model}: parse, build the
 * graph and resolve shapes, validate, and only for a clean network, generate. Never lets an
 * exception out of javac: an internal failure is reported as an error on the interface.
 */
@AutoService(Processor.class)
public final class NetworkProcessor extends AbstractProcessor {
  /** The DSL's package, with its dot: every annotation in it is the processor's. */
  private static final String DSL = Network.class.getPackageName() + ".";

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(DSL + "*");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement network = processingEnv.getElementUtils().getTypeElement(NetworkParser.NETWORK);
    if (network == null) {
      return false;
    }
    // The layer annotations mean nothing to any other processor: claim them.
    boolean onlyOurs =
        annotations.stream().allMatch(a -> a.getQualifiedName().toString().startsWith(DSL));
    NetworkParser parser =
        new NetworkParser(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
    TypeElement block = processingEnv.getElementUtils().getTypeElement(NetworkParser.BLOCK);
    for (Element element : round.getElementsAnnotatedWith(block)) {
      try {
        if (element.getKind() != ElementKind.INTERFACE) {
          processingEnv
              .getMessager()
              .printMessage(
                  Diagnostic.Kind.ERROR,
                  Messages.notAnInterface("@Block", element.getKind()).text(),
                  element);
          continue;
        }
        report(parser.parseBlock((TypeElement) element));
      } catch (Throwable t) {
        internalError(element, t);
      }
    }
    for (Element element : round.getElementsAnnotatedWith(network)) {
      try {
        processNetwork(parser, element);
      } catch (Throwable t) {
        internalError(element, t);
      }
    }
    return onlyOurs;
  }

  private void internalError(Element element, Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    processingEnv
        .getMessager()
        .printMessage(Diagnostic.Kind.ERROR, Messages.internal(t + "\n" + trace).text(), element);
  }

  private void processNetwork(NetworkParser parser, Element element) throws Exception {
    NetworkParser.Parsed parsed = parser.parse(element);
    report(parsed.problems());
    if (parsed.spec() == null) {
      return;
    }
    GraphBuilder.Resolution resolution = GraphBuilder.resolve(parsed.spec());
    report(resolution.problems());
    if (!resolution.clean()) {
      return;
    }
    ClassName model = modelName((TypeElement) element);
    if (processingEnv.getElementUtils().getTypeElement(model.canonicalName()) != null) {
      report(
          List.of(
              Problem.error(Messages.nameClash(model.canonicalName()), JavacLocation.of(element))));
      return;
    }
    ModelWriter writer = new ModelWriter(resolution.network(), model);
    try {
      writer.write(NetworkProcessor.class.getName(), element).writeTo(processingEnv.getFiler());
    } catch (javax.annotation.processing.FilerException e) {
      // Another network of this round generates a class of the same name.
      report(
          List.of(
              Problem.error(Messages.nameClash(model.canonicalName()), JavacLocation.of(element))));
      return;
    }
    FileObject dot =
        processingEnv
            .getFiler()
            .createResource(
                StandardLocation.CLASS_OUTPUT,
                model.packageName(),
                model.simpleName() + ".dot",
                element);
    try (Writer out = dot.openWriter()) {
      out.write(writer.diagram());
    }
  }

  /** {@code Outer_InnerModel} for a nested {@code Outer.Inner}, in the interface's package. */
  static ClassName modelName(TypeElement type) {
    ClassName name = ClassName.get(type);
    return ClassName.get(name.packageName(), String.join("_", name.simpleNames()) + "Model");
  }

  private void report(List<Problem> problems) {
    for (Problem p : problems) {
      Diagnostic.Kind kind =
          p.severity() == Problem.Severity.ERROR ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
      JavacLocation at = (JavacLocation) p.at();
      processingEnv
          .getMessager()
          .printMessage(kind, p.text(), at.element(), at.mirror(), at.value());
    }
  }
}
