package dev.netwright.processor.graph;

import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules that need no shapes: names, references and the sign of every number. Each returns at
 * most one problem per node, its first root cause.
 */
final class NodeRules {
  private NodeRules() {}

  static List<Problem> checkNetwork(NetworkSpec spec) {
    List<Problem> problems = new ArrayList<>();
    positive(problems, "channels", spec.channels());
    positive(problems, "height", spec.height());
    positive(problems, "width", spec.width());
    if (spec.classes() != null && spec.classes().value() <= 0) {
      problems.add(Problem.error(Messages.nonPositiveClasses(spec.classes().value()), spec.classes().at()));
    }
    return problems;
  }

  private static void positive(List<Problem> problems, String what, Value v) {
    if (v.value() <= 0) {
      problems.add(Problem.error(Messages.nonPositiveInput(what, v.value()), v.at()));
    }
  }

  /** The first problem of node {@code index}, if any. */
  static List<Problem> check(NetworkSpec spec, int index) {
    NodeSpec node = spec.nodes().get(index);
    Problem p = names(spec, index);
    if (p == null) {
      p = references(spec, index);
    }
    if (p == null && node.layers().isEmpty()) {
      p = Problem.error(Messages.noLayer(node.name()), node.at());
    }
    for (Layer layer : node.layers()) {
      if (p == null) {
        p = numbers(layer, node.name());
      }
    }
    return p == null ? List.of() : List.of(p);
  }

  private static Problem names(NetworkSpec spec, int index) {
    NodeSpec node = spec.nodes().get(index);
    if (node.name().equals(NetworkSpec.INPUT)) {
      return Problem.error(Messages.reservedName(node.name()), node.at());
    }
    for (int j = 0; j < index; j++) {
      if (spec.nodes().get(j).name().equals(node.name())) {
        return Problem.error(Messages.duplicateNode(node.name()), node.at());
      }
    }
    return null;
  }

  private static Problem references(NetworkSpec spec, int index) {
    NodeSpec node = spec.nodes().get(index);
    List<String> earlier = new ArrayList<>();
    earlier.add(NetworkSpec.INPUT);
    for (int j = 0; j < index; j++) {
      earlier.add(spec.nodes().get(j).name());
    }
    for (Ref ref : node.inputs()) {
      if (earlier.contains(ref.name())) {
        continue;
      }
      if (ref.name().equals(node.name())) {
        return Problem.error(Messages.selfInput(node.name()), ref.at());
      }
      boolean later = spec.nodes().stream().anyMatch(n -> n.name().equals(ref.name()));
      return Problem.error(
          later
              ? Messages.laterInput(node.name(), ref.name())
              : Messages.unknownInput(node.name(), ref.name(), String.join(", ", earlier)),
          ref.at());
    }
    return null;
  }

  private static Problem numbers(Layer layer, String node) {
    if (layer instanceof Layer.Conv c) {
      return firstNonNull(
          positive(c.filters(), "filters", node, "Write the number of output channels, e.g. filters = 16."),
          positive(c.kernel(), "kernel", node, "Write the window size, e.g. kernel = 3."),
          positive(c.stride(), "stride", node, "Write the step between windows, e.g. stride = 1."),
          padding(c.padding(), "convolution", node, 0));
    }
    if (layer instanceof Layer.Pool p) {
      return firstNonNull(
          positive(p.size(), "pool size", node, "Write the window size, e.g. @MaxPool(2)."),
          positive(p.stride(), "stride", node,
              "Write the step between windows, or leave it out to use the window size."),
          padding(p.padding(), p.label(), node, p.size().value()));
    }
    if (layer instanceof Layer.Dense d) {
      return firstNonNull(
          positive(d.units(), "units", node, "Write the number of outputs, e.g. @Dense(10)."),
          d.inFeatures() == null
              ? null
              : positive(d.inFeatures(), "inFeatures", node,
                  "Write the input size you expect, or leave it out."));
    }
    return null; // relu and flatten have no numbers
  }

  private static Problem positive(Value v, String what, String node, String example) {
    return v.value() > 0 ? null : Problem.error(Messages.nonPositive(what, v.value(), node, example), v.at());
  }

  /** Explicit padding: not negative, not beside SAME, and for pooling at most half the window. */
  private static Problem padding(Layer.Padding padding, String layer, String node, int poolWindow) {
    Value pad = padding.pad();
    if (pad == null || !pad.written()) {
      return null;
    }
    if (pad.value() < 0) {
      return Problem.error(Messages.negativePad(pad.value(), node), pad.at());
    }
    if (padding.mode() == Layer.Padding.Mode.SAME) {
      return Problem.error(Messages.paddingConflict(layer, node), pad.at());
    }
    if (poolWindow > 0 && pad.value() > poolWindow / 2) {
      return Problem.error(Messages.padTooLarge(layer, node, pad.value(), poolWindow), pad.at());
    }
    return null;
  }

  private static Problem firstNonNull(Problem... problems) {
    for (Problem p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** A warning for every node other than the output that nothing consumes. */
  static List<Problem> unused(NetworkSpec spec, ResolvedNetwork network) {
    Set<String> consumed = new HashSet<>();
    for (ResolvedNode node : network.nodes()) {
      consumed.addAll(node.inputs());
    }
    List<Problem> problems = new ArrayList<>();
    for (ResolvedNode node : network.nodes()) {
      if (node != network.output() && !consumed.contains(node.name())) {
        problems.add(Problem.warning(Messages.unused(node.name()), node.at()));
      }
    }
    return problems;
  }
}
