package dev.netwright.processor.source;

import dev.netwright.processor.graph.Layer;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Value;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Parses an {@code @Network} interface into a {@link NetworkSpec}, keeping the location of every
 * value. Reports what is wrong with the declaration itself; shapes are the graph stage's job.
 */
public final class NetworkParser {
  static final String DSL = "dev.netwright.dsl.";
  public static final String NETWORK = DSL + "Network";

  /** The outcome: the spec when the declaration is well formed, and every problem found. */
  public record Parsed(NetworkSpec spec, List<Problem> problems) {}

  private final Elements elements;
  private final Types types;

  public NetworkParser(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** Parses {@code element}, annotated with {@code @Network}. */
  public Parsed parse(Element element) {
    AnnotationMirror network = mirror(element, NETWORK);
    Location at = new JavacLocation(element, network, null);
    if (element.getKind() != ElementKind.INTERFACE) {
      String kind = element.getKind().name().toLowerCase().replace('_', ' ');
      return failed(Problem.error(Messages.notAnInterface("a " + kind), at));
    }
    TypeElement type = (TypeElement) element;
    String name = type.getSimpleName().toString();
    if (!type.getTypeParameters().isEmpty()) {
      return failed(Problem.error(Messages.genericNetwork(name), at));
    }
    List<Problem> problems = new ArrayList<>();
    List<NodeSpec> nodes = new ArrayList<>();
    TypeMirror nodeType = elements.getTypeElement(DSL + "Node").asType();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() != ElementKind.METHOD) {
        continue;
      }
      ExecutableElement method = (ExecutableElement) member;
      String why = notANode(method, nodeType);
      if (why != null) {
        problems.add(Problem.error(
            Messages.notANode(method.getSimpleName().toString(), why), JavacLocation.of(method)));
        continue;
      }
      nodes.add(node(method));
    }
    if (!problems.isEmpty()) {
      return new Parsed(null, problems);
    }
    if (nodes.isEmpty()) {
      return failed(Problem.error(Messages.noNodes(name), at));
    }
    Annotations net = new Annotations(elements, element, network);
    Annotations input = new Annotations(elements, element, net.annotationValue("input"));
    Value classes = net.isWritten("classes") ? net.intValue("classes") : null;
    boolean softmax = net.enumValue("head").equals("SOFTMAX_CROSS_ENTROPY");
    NetworkSpec spec = new NetworkSpec(name, at, input.intValue("channels"), input.intValue("height"),
        input.intValue("width"), classes, softmax, nodes);
    return new Parsed(spec, List.of());
  }

  private static Parsed failed(Problem problem) {
    return new Parsed(null, List.of(problem));
  }

  /** Why {@code method} cannot be a node, or null when it can. */
  private String notANode(ExecutableElement method, TypeMirror nodeType) {
    if (method.getModifiers().contains(Modifier.DEFAULT)) {
      return "it is a default method";
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return "it is static";
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "it is private";
    }
    if (!method.getTypeParameters().isEmpty()) {
      return "it is generic";
    }
    TypeMirror returns = method.getReturnType();
    if (returns.getKind() == TypeKind.ERROR) {
      return "its return type does not resolve";
    }
    if (!types.isSameType(returns, nodeType)) {
      return "it returns " + returns + ", not Node";
    }
    for (VariableElement p : method.getParameters()) {
      if (!types.isSameType(p.asType(), nodeType)) {
        return "its parameter '" + p.getSimpleName() + "' is a " + p.asType() + ", not a Node";
      }
    }
    if (method.isVarArgs()) {
      return "it takes varargs";
    }
    return null;
  }

  private NodeSpec node(ExecutableElement method) {
    List<Ref> inputs = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      inputs.add(new Ref(p.getSimpleName().toString(), JavacLocation.of(p)));
    }
    List<Layer> layers = new ArrayList<>();
    for (AnnotationMirror m : method.getAnnotationMirrors()) {
      Layer layer = LayerParser.parse(new Annotations(elements, method, m), qualifiedName(m));
      if (layer != null) {
        layers.add(layer);
      }
    }
    return new NodeSpec(method.getSimpleName().toString(), JavacLocation.of(method), inputs, layers);
  }

  private static String qualifiedName(AnnotationMirror m) {
    return ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  private static AnnotationMirror mirror(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (qualifiedName(m).equals(annotation)) {
        return m;
      }
    }
    throw new IllegalStateException(element + " is not annotated with " + annotation);
  }
}
