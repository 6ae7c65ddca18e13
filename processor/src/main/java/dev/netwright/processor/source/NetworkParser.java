package dev.netwright.processor.source;

import dev.netwright.dsl.Block;
import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.processor.graph.BlockSpec;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import dev.netwright.processor.graph.NodeRules;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.layer.Layers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Parses {@code @Network} and {@code @Block} interfaces into specs, keeping the location of every
 * value. Reports what is wrong with the declarations themselves; shapes are the graph stage's job.
 * A block is parsed and its problems reported once, however often it is used.
 */
public final class NetworkParser {
  public static final String NETWORK = Network.class.getCanonicalName();
  public static final String BLOCK = Block.class.getCanonicalName();
  private static final Attribute<Input> INPUT = Attribute.of(Network.class, "input", Input.class);
  private static final Attribute<Integer> CLASSES =
      Attribute.of(Network.class, "classes", int.class);
  private static final Attribute<Head> HEAD = Attribute.of(Network.class, "head", Head.class);
  private static final Attribute<Init> INIT = Attribute.of(Network.class, "init", Init.class);
  private static final Attribute<Integer> CHANNELS =
      Attribute.of(Input.class, "channels", int.class);
  private static final Attribute<Integer> HEIGHT = Attribute.of(Input.class, "height", int.class);
  private static final Attribute<Integer> WIDTH = Attribute.of(Input.class, "width", int.class);

  /** The outcome: the spec when the declaration is well formed, and every problem found. */
  public record Parsed(NetworkSpec spec, List<Problem> problems) {}

  /** Marks a method whose types javac could not resolve: skipped without a word of ours. */
  private static final Problem UNRESOLVED = Problem.error(Messages.internal("unresolved"), null);

  private final Elements elements;
  private final Types types;
  private final TypeMirror nodeType;

  /** Parsed block bodies by qualified name; empty when the block has problems. */
  private final Map<String, Optional<List<NodeSpec>>> blocks = new HashMap<>();

  private final Deque<String> parsing = new ArrayDeque<>();

  public NetworkParser(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.nodeType = elements.getTypeElement(Node.class.getCanonicalName()).asType();
  }

  /** Parses {@code element}, annotated with {@code @Network}. */
  public Parsed parse(Element element) {
    try {
      return parseNetwork(element);
    } catch (Annotations.Unresolved e) {
      return new Parsed(null, List.of()); // javac has reported the value it could not resolve
    }
  }

  private Parsed parseNetwork(Element element) {
    AnnotationMirror network = mirror(element, NETWORK);
    Location at = new JavacLocation(element, network, null);
    List<Problem> problems = new ArrayList<>();
    List<NodeSpec> nodes = body(element, at, problems);
    if (nodes == null) {
      return new Parsed(null, problems);
    }
    Annotations net = new Annotations(elements, element, network);
    Annotations input = new Annotations(elements, element, net.annotationValue(INPUT));
    Value classes = net.isWritten(CLASSES) ? net.intValue(CLASSES) : null;
    String name = element.getSimpleName().toString();
    NetworkSpec spec =
        new NetworkSpec(
            name,
            at,
            input.intValue(CHANNELS),
            input.intValue(HEIGHT),
            input.intValue(WIDTH),
            classes,
            net.enumValue(HEAD),
            net.enumValue(INIT),
            nodes);
    return new Parsed(spec, problems);
  }

  /** Parses and checks the {@code @Block} interface {@code element} once; returns its problems. */
  public List<Problem> parseBlock(TypeElement element) {
    List<Problem> problems = new ArrayList<>();
    try {
      block(element, problems);
    } catch (Annotations.Unresolved e) {
      blocks.put(element.getQualifiedName().toString(), Optional.empty());
    }
    return problems;
  }

  /** The nodes of a network or block interface, or null when its declaration has problems. */
  private List<NodeSpec> body(Element element, Location at, List<Problem> problems) {
    boolean block = mirrorOrNull(element, NETWORK) == null;
    if (element.getKind() != ElementKind.INTERFACE) {
      problems.add(
          Problem.error(
              Messages.notAnInterface(block ? "@Block" : "@Network", element.getKind()), at));
      return null;
    }
    TypeElement type = (TypeElement) element;
    String name = type.getSimpleName().toString();
    if (!type.getTypeParameters().isEmpty()) {
      problems.add(Problem.error(Messages.genericNetwork(block ? "block" : "network", name), at));
      return null;
    }
    int before = problems.size();
    boolean failed = false;
    List<NodeSpec> nodes = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() != ElementKind.METHOD) {
        continue;
      }
      ExecutableElement method = (ExecutableElement) member;
      Problem p = notANode(method);
      if (p == UNRESOLVED) {
        failed = true;
        continue;
      }
      if (p != null) {
        problems.add(p);
        continue;
      }
      NodeSpec node = node(method, problems);
      if (node == null) {
        failed = true; // reported here, or where its block was first parsed
      } else {
        nodes.add(node);
      }
    }
    if (failed || problems.size() > before) {
      return null;
    }
    if (nodes.isEmpty()) {
      problems.add(Problem.error(Messages.noNodes(name), at));
      return null;
    }
    return nodes;
  }

  /** The body of a user block, parsed once; empty when it has problems (reported then). */
  private Optional<List<NodeSpec>> block(TypeElement type, List<Problem> problems) {
    String name = type.getQualifiedName().toString();
    Optional<List<NodeSpec>> cached = blocks.get(name);
    if (cached != null) {
      return cached;
    }
    parsing.push(name);
    Location at = new JavacLocation(type, mirror(type, BLOCK), null);
    List<NodeSpec> nodes = body(type, at, problems);
    if (nodes != null) {
      List<Problem> found = NodeRules.checkBody(nodes);
      problems.addAll(found);
      if (!found.isEmpty()) {
        nodes = null;
      }
    }
    parsing.pop();
    Optional<List<NodeSpec>> result = Optional.ofNullable(nodes).map(List::copyOf);
    blocks.put(name, result);
    return result;
  }

  /** Why {@code method} cannot be a node, as a problem, or null when it can. */
  private Problem notANode(ExecutableElement method) {
    String why = null;
    if (method.getModifiers().contains(Modifier.DEFAULT)) {
      why = "it is a default method";
    } else if (method.getModifiers().contains(Modifier.STATIC)) {
      why = "it is static";
    } else if (method.getModifiers().contains(Modifier.PRIVATE)) {
      why = "it is private";
    } else if (!method.getTypeParameters().isEmpty()) {
      why = "it is generic";
    } else if (method.getReturnType().getKind() == TypeKind.ERROR
        || method.getParameters().stream().anyMatch(p -> p.asType().getKind() == TypeKind.ERROR)) {
      return UNRESOLVED; // javac reports the type it cannot find
    } else if (method.isVarArgs()) {
      why = "it takes varargs";
    } else {
      TypeMirror returns = method.getReturnType();
      if (!types.isSameType(returns, nodeType) && blockType(returns) == null) {
        if (returns.getKind() == TypeKind.DECLARED) {
          return Problem.error(
              Messages.notABlock(method.getSimpleName().toString(), returns.toString()),
              JavacLocation.of(method));
        }
        why = "it returns " + returns + ", not Node";
      }
      for (VariableElement p : method.getParameters()) {
        if (why == null && !types.isSameType(p.asType(), nodeType)) {
          why = "its parameter '" + p.getSimpleName() + "' is a " + p.asType() + ", not a Node";
        }
      }
    }
    return why == null
        ? null
        : Problem.error(
            Messages.notANode(method.getSimpleName().toString(), why), JavacLocation.of(method));
  }

  /** The {@code @Block} interface {@code type} names, or null. */
  private TypeElement blockType(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (qualifiedName(m).equals(BLOCK)) {
        return element;
      }
    }
    return null;
  }

  private NodeSpec node(ExecutableElement method, List<Problem> problems) {
    String name = method.getSimpleName().toString();
    List<Ref> inputs = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      inputs.add(new Ref(p.getSimpleName().toString(), JavacLocation.of(p)));
    }
    List<Layer> layers = new ArrayList<>();
    BlockSpec block = null;
    for (AnnotationMirror m : method.getAnnotationMirrors()) {
      Annotations a = new Annotations(elements, method, m);
      Layer layer = Layers.parse(qualifiedName(m), a);
      if (layer != null) {
        layers.add(layer);
      }
      BlockSpec b = BlockParser.parse(a, qualifiedName(m));
      if (b != null && block != null) {
        problems.add(Problem.error(Messages.twoBlocks(name), b.at()));
        return null;
      }
      block = b == null ? block : b;
    }
    TypeElement user = blockType(method.getReturnType());
    if (user != null) {
      String type = user.getQualifiedName().toString();
      if (parsing.contains(type)) {
        List<String> cycle = new ArrayList<>(parsing);
        java.util.Collections.reverse(cycle);
        cycle = cycle.subList(cycle.indexOf(type), cycle.size());
        problems.add(
            Problem.error(
                Messages.blockCycle(String.join(" -> ", cycle) + " -> " + type),
                JavacLocation.of(method)));
        return null;
      }
      if (block != null || !layers.isEmpty()) {
        problems.add(
            Problem.error(
                Messages.blockWithLayers(name, user.getSimpleName().toString()),
                JavacLocation.of(method)));
        return null;
      }
      Optional<List<NodeSpec>> body = block(user, problems);
      if (body.isEmpty()) {
        return null;
      }
      block =
          new BlockSpec.User(user.getSimpleName().toString(), body.get(), JavacLocation.of(method));
    } else if (block != null && !layers.isEmpty()) {
      problems.add(
          Problem.error(Messages.blockWithLayers(name, block.title()), JavacLocation.of(method)));
      return null;
    }
    return new NodeSpec(name, JavacLocation.of(method), inputs, layers, block);
  }

  private static String qualifiedName(AnnotationMirror m) {
    return Annotations.qualifiedName(m);
  }

  private static AnnotationMirror mirror(Element element, String annotation) {
    AnnotationMirror m = mirrorOrNull(element, annotation);
    if (m == null) {
      throw new IllegalStateException(element + " is not annotated with " + annotation);
    }
    return m;
  }

  private static AnnotationMirror mirrorOrNull(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (qualifiedName(m).equals(annotation)) {
        return m;
      }
    }
    return null;
  }
}
