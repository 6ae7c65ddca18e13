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
public final class NodeRules {
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
      p = block(node.block(), node.name());
    }
    for (int j = 0; j < node.layers().size(); j++) {
      Layer layer = node.layers().get(j);
      if (p == null && j > 0 && layer.merges()) {
        p = Problem.error(Messages.mergeNotFirst(node.name(), layer.label()), layer.at());
      }
      if (p == null) {
        p = numbers(layer, node.name());
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

  private static Problem block(BlockSpec block, String node) {
    if (block instanceof BlockSpec.Vgg v) {
      return firstNonNull(width("convs", "VGGBlock", node, v.convs()),
          width("filters", "VGGBlock", node, v.filters()));
    }
    if (block instanceof BlockSpec.Inception i) {
      String kind = i.naive() ? "NaiveInception" : "Inception";
      return firstNonNull(width("conv1x1", kind, node, i.conv1x1()),
          width("reduce3x3", kind, node, i.reduce3x3()), width("conv3x3", kind, node, i.conv3x3()),
          width("reduce5x5", kind, node, i.reduce5x5()), width("conv5x5", kind, node, i.conv5x5()),
          width("poolProjection", kind, node, i.poolProjection()));
    }
    if (block instanceof BlockSpec.InceptionA a) {
      return firstNonNull(width("conv1x1", "InceptionA", node, a.conv1x1()),
          width("reduce5x5", "InceptionA", node, a.reduce5x5()),
          width("conv5x5", "InceptionA", node, a.conv5x5()),
          width("reduce3x3", "InceptionA", node, a.reduce3x3()),
          width("conv3x3", "InceptionA", node, a.conv3x3()),
          width("poolProjection", "InceptionA", node, a.poolProjection()));
    }
    if (block instanceof BlockSpec.Residual r) {
      return firstNonNull(width("filters", "Residual", node, r.filters()),
          width("stride", "Residual", node, r.stride()),
          width("expansion", "Residual", node, r.expansion()));
    }
    return null;
  }

  private static Problem width(String what, String block, String node, Value v) {
    return v == null || v.value() > 0 ? null
        : Problem.error(Messages.blockWidth(what, block, node, v.value()), v.at());
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
    if (layer instanceof Layer.Dropout d) {
      double p = d.p().value();
      return p >= 0 && p < 1 ? null : Problem.error(Messages.outOfRange("dropout probability", node, p,
          "in [0, 1)", "It is the fraction of values zeroed in training, e.g. @Dropout(0.5)."), d.p().at());
    }
    if (layer instanceof Layer.BatchNorm b) {
      double m = b.momentum().value();
      if (!(m > 0 && m <= 1)) {
        return Problem.error(Messages.outOfRange("batch-norm momentum", node, m, "in (0, 1]",
            "It weighs the newest batch in the running averages; PyTorch's default is 0.1."), b.momentum().at());
      }
      double eps = b.eps().value();
      return eps > 0 && Double.isFinite(eps) ? null : Problem.error(Messages.outOfRange("batch-norm eps", node, eps, "positive and finite",
          "It keeps the division finite; PyTorch's default is 1e-5."), b.eps().at());
    }
    if (layer instanceof Layer.Lrn l) {
      if (l.depthRadius().value() < 0) {
        return Problem.error(Messages.outOfRange("LRN depthRadius", node, l.depthRadius().value(),
            "zero or more", "AlexNet sums 5 channels: depthRadius = 2."), l.depthRadius().at());
      }
      for (Real r : new Real[] {l.bias(), l.alpha(), l.beta()}) {
        if (!(r.value() > 0) || Double.isInfinite(r.value())) {
          return Problem.error(Messages.outOfRange("LRN bias, alpha and beta", node, r.value(),
              "positive", "AlexNet uses bias 2, alpha 1e-4, beta 0.75."), r.at());
        }
      }
    }
    return null; // relu, flatten, pooling and activations have no numbers to check
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
    java.util.Map<String, Location> written = new java.util.HashMap<>();
    spec.nodes().forEach(n -> written.put(n.name(), n.at()));
    Set<String> consumed = new HashSet<>();
    for (ResolvedNode node : network.nodes()) {
      consumed.addAll(node.inputs());
    }
    List<Problem> problems = new ArrayList<>();
    for (ResolvedNode node : network.topLevel()) {
      if (node != network.output() && !consumed.contains(node.name())) {
        problems.add(Problem.warning(Messages.unused(node.name()), written.getOrDefault(node.name(), node.at())));
      }
    }
    return problems;
  }
}
