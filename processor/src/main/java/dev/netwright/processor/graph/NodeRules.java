package dev.netwright.processor.graph;

import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import dev.netwright.processor.layer.Layer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules that need no shapes: names, references and the sign of every number. Each returns at
 * most one problem per node, its first root cause.
 */
public final class NodeRules {
  private NodeRules() {}

  static List<Problem> checkNetwork(NetworkSpec spec) {
    List<Problem> problems = new ArrayList<>();
    positive(problems, "channels", spec.channels());
    positive(problems, "height", spec.height());
    positive(problems, "width", spec.width());
    if (spec.classes() != null && spec.classes().value() <= 0) {
      problems.add(
          Problem.error(Messages.nonPositiveClasses(spec.classes().value()), spec.classes().at()));
    }
    return problems;
  }

  private static void positive(List<Problem> problems, String what, Value v) {
    if (v.value() <= 0) {
      problems.add(Problem.error(Messages.nonPositiveInput(what, v.value()), v.at()));
    }
  }

  /** The first problem of node {@code index}, if any. */
  static List<Problem> check(List<NodeSpec> scope, int index) {
    NodeSpec node = scope.get(index);
    Problem p = names(scope, index);
    if (p == null) {
      p = references(scope, index);
    }
    if (p == null && node.layers().isEmpty() && node.block() == null) {
      p = Problem.error(Messages.noLayer(node.name()), node.at());
    }
    if (p == null && node.block() != null) {
      p = node.block().check(node.name());
    }
    for (int j = 0; j < node.layers().size(); j++) {
      Layer layer = node.layers().get(j);
      if (p == null && j > 0 && layer.merges()) {
        p = Problem.error(Messages.mergeNotFirst(node.name(), layer.label()), layer.at());
      }
      if (p == null) {
        p = layer.check(node.name());
      }
    }
    return p == null ? List.of() : List.of(p);
  }

  /** Problems of a user block's body, checked once per block type with its own scope. */
  public static List<Problem> checkBody(List<NodeSpec> body) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      problems.addAll(check(body, i));
    }
    return problems;
  }

  private static Problem names(List<NodeSpec> scope, int index) {
    NodeSpec node = scope.get(index);
    if (node.name().equals(NetworkSpec.INPUT)) {
      return Problem.error(Messages.reservedName(node.name()), node.at());
    }
    for (int j = 0; j < index; j++) {
      if (scope.get(j).name().equals(node.name())) {
        return Problem.error(Messages.duplicateNode(node.name()), node.at());
      }
    }
    return null;
  }

  private static Problem references(List<NodeSpec> scope, int index) {
    NodeSpec node = scope.get(index);
    List<String> earlier = new ArrayList<>();
    earlier.add(NetworkSpec.INPUT);
    for (int j = 0; j < index; j++) {
      earlier.add(scope.get(j).name());
    }
    for (Ref ref : node.inputs()) {
      if (earlier.contains(ref.name())) {
        continue;
      }
      if (ref.name().equals(node.name())) {
        return Problem.error(Messages.selfInput(node.name()), ref.at());
      }
      boolean later = scope.stream().anyMatch(n -> n.name().equals(ref.name()));
      return Problem.error(
          later
              ? Messages.laterInput(node.name(), ref.name())
              : Messages.unknownInput(node.name(), ref.name(), String.join(", ", earlier)),
          ref.at());
    }
    return null;
  }

  /** A warning for every node other than the output that nothing consumes. */
  static List<Problem> unused(NetworkSpec spec, ResolvedNetwork network) {
    java.util.Map<String, Location> written = new java.util.HashMap<>();
    spec.nodes().forEach(n -> written.put(n.name(), n.at()));
    Set<String> consumed = new HashSet<>();
    for (ResolvedNode node : network.nodes()) {
      consumed.addAll(node.inputs());
    }
    List<Problem> problems = new ArrayList<>();
    for (ResolvedNode node : network.topLevel()) {
      if (node != network.output() && !consumed.contains(node.name())) {
        problems.add(
            Problem.warning(
                Messages.unused(node.name()), written.getOrDefault(node.name(), node.at())));
      }
    }
    return problems;
  }
}
