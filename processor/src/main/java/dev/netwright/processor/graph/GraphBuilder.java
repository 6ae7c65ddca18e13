package dev.netwright.processor.graph;

import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.layer.LayerInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the graph of a written network and resolves every shape. Pure Java on ints and records: no
 * javax.lang.model, so it is unit-tested without javac.
 *
 * <p>One root cause gives one problem: a node that fails stops at its first problem, and nodes that
 * consume a failed node are not resolved or reported.
 */
public final class GraphBuilder {
  /** The outcome: the resolved network when there is no error, and every problem found. */
  public record Resolution(ResolvedNetwork network, List<Problem> problems) {
    /** Whether generation may go ahead. */
    public boolean clean() {
      return network != null;
    }
  }

  private GraphBuilder() {}

  /** Resolves {@code spec}, reporting problems instead of throwing. */
  public static Resolution resolve(NetworkSpec spec) {
    List<Problem> problems = new ArrayList<>(NodeRules.checkNetwork(spec));
    if (!problems.isEmpty()) {
      return new Resolution(null, problems);
    }
    Shape input = Shape.map(spec.channels().value(), spec.height().value(), spec.width().value());
    if (input.size() > Integer.MAX_VALUE) {
      problems.add(Problem.error(Messages.inputTooLarge(input.size()), spec.at()));
      return new Resolution(null, problems);
    }
    Map<String, Shape> shapes = new HashMap<>();
    shapes.put(NetworkSpec.INPUT, input);
    Set<String> failed = new HashSet<>();
    List<ResolvedNode> nodes = new ArrayList<>();
    List<ResolvedNetwork.Block> blocks = new ArrayList<>();
    String previous = NetworkSpec.INPUT;
    for (int i = 0; i < spec.nodes().size(); i++) {
      NodeSpec node = spec.nodes().get(i);
      List<String> inputs = new ArrayList<>();
      for (Ref ref : node.inputs()) {
        inputs.add(ref.name());
      }
      if (inputs.isEmpty()) {
        inputs.add(previous);
      }
      previous = node.name();
      List<Problem> found = NodeRules.check(spec.nodes(), i);
      if (!found.isEmpty()) {
        problems.addAll(found);
        failed.add(node.name());
        continue;
      }
      if (inputs.stream().anyMatch(failed::contains)) {
        failed.add(node.name());
        continue;
      }
      List<ResolvedNode> resolved = new ArrayList<>();
      List<ResolvedNetwork.Block> expanded = new ArrayList<>();
      try {
        resolveInto(node, inputs, node.name(), "", shapes, resolved, expanded);
        nodes.addAll(resolved);
        blocks.addAll(expanded);
      } catch (Failure f) {
        problems.add(f.problem());
        failed.add(node.name());
      }
    }
    if (!failed.isEmpty()) {
      return new Resolution(null, problems);
    }
    ResolvedNetwork network;
    try {
      network =
          new ResolvedNetwork(
              spec.name(),
              input,
              List.copyOf(nodes),
              spec.head(),
              classes(spec, nodes),
              spec.init(),
              List.copyOf(blocks));
    } catch (Failure f) {
      problems.add(f.problem());
      return new Resolution(null, problems);
    }
    problems.addAll(NodeRules.unused(spec, network));
    return new Resolution(network, problems);
  }

  private static int classes(NetworkSpec spec, List<ResolvedNode> nodes) throws Failure {
    ResolvedNode last = nodes.get(nodes.size() - 1);
    // Where the user wrote the last node: a block's output node stands inside the block's source.
    Location at = spec.nodes().get(spec.nodes().size() - 1).at();
    Value written = spec.classes();
    return switch (spec.head()) {
      case SOFTMAX_CROSS_ENTROPY -> {
        if (!last.out().flat()) {
          throw new Failure(Messages.headNeedsFlat(last.name(), last.out()), at);
        }
        int outputs = last.out().channels();
        if (written != null && written.value() != outputs) {
          throw new Failure(
              Messages.classesMismatch(written.value(), last.name(), last.out()), written.at());
        }
        yield outputs;
      }
      case SIGMOID_BINARY_CROSS_ENTROPY -> {
        if (!last.out().flat() || last.out().channels() != 1) {
          throw new Failure(Messages.binaryHead(last.name(), last.out()), at);
        }
        if (written != null && written.value() != 2) {
          throw new Failure(Messages.binaryClasses(written.value()), written.at());
        }
        yield 2;
      }
      case MEAN_SQUARED_ERROR -> {
        int outputs = last.out().flat() ? last.out().channels() : 0;
        if (written != null && written.value() != outputs) {
          throw new Failure(
              Messages.classesMismatch(written.value(), last.name(), last.out()), written.at());
        }
        yield outputs;
      }
      case NONE -> written == null ? 0 : written.value();
    };
  }

  /**
   * Resolves {@code node}, whose path is {@code path} (see {@link ResolvedNode#path()}), expanding
   * it first when it is a block, into {@code out}; shapes of every resolved node go into {@code
   * shapes}.
   */
  private static void resolveInto(
      NodeSpec node,
      List<String> inputs,
      String path,
      String block,
      Map<String, Shape> shapes,
      List<ResolvedNode> out,
      List<ResolvedNetwork.Block> blocks)
      throws Failure {
    if (node.block() == null) {
      ResolvedNode resolved = resolveNode(node, inputs, shapes, path, block);
      if (shapes.containsKey(node.name()) || out.stream().anyMatch(n -> n.path().equals(path))) {
        // Block paths nest and local names are unique, so this cannot happen: say so, loudly.
        throw new IllegalStateException(
            "two nodes are named '" + node.name() + "' (path '" + path + "')");
      }
      out.add(resolved);
      shapes.put(node.name(), resolved.out());
      return;
    }
    if (inputs.size() != 1) {
      throw new Failure(
          Messages.inputCount(node.name(), node.block().title(), inputs.size()), node.at());
    }
    blocks.add(new ResolvedNetwork.Block(path, node.block().title()));
    for (BlockExpander.Unit unit :
        BlockExpander.expand(
            path, node.name(), node.block(), inputs.get(0), shapes.get(inputs.get(0)))) {
      List<String> unitInputs = unit.spec().inputs().stream().map(Ref::name).toList();
      resolveInto(unit.spec(), unitInputs, unit.path(), unit.block(), shapes, out, blocks);
    }
  }

  private static ResolvedNode resolveNode(
      NodeSpec node, List<String> inputs, Map<String, Shape> shapes, String path, String block)
      throws Failure {
    Layer first = node.layers().get(0);
    List<ResolvedLayer> layers = new ArrayList<>();
    Shape shape;
    String from;
    int start = 0;
    if (first.merges()) {
      if (inputs.size() < 2) {
        throw new Failure(
            Messages.mergeInputs(node.name(), first.label(), inputs.size()), node.at());
      }
      List<LayerInput.Input> merged = new ArrayList<>();
      for (int k = 0; k < inputs.size(); k++) {
        // Where input k is named: its parameter, or the node when its inputs were implied.
        Location at = k < node.inputs().size() ? node.inputs().get(k).at() : node.at();
        merged.add(new LayerInput.Input(inputs.get(k), shapes.get(inputs.get(k)), at));
      }
      ResolvedLayer resolved = first.resolve(new LayerInput(node.name(), null, merged));
      layers.add(resolved);
      shape = resolved.out();
      from = "the " + first.label() + " before it";
      start = 1;
    } else {
      if (inputs.size() != 1) {
        throw new Failure(
            Messages.inputCount(node.name(), first.label(), inputs.size()), node.at());
      }
      shape = shapes.get(inputs.get(0));
      from =
          inputs.get(0).equals(NetworkSpec.INPUT)
              ? "the network input"
              : "its input '" + inputs.get(0) + "'";
    }
    for (Layer layer : node.layers().subList(start, node.layers().size())) {
      ResolvedLayer resolved =
          resolve(
              layer,
              new LayerInput(
                  node.name(), from, List.of(new LayerInput.Input(null, shape, node.at()))));
      layers.add(resolved);
      shape = resolved.out();
      from = "the " + layer.label() + " before it";
    }
    return new ResolvedNode(
        node.name(), path, node.at(), List.copyOf(inputs), List.copyOf(layers), shape, block);
  }

  /** {@code layer} over {@code input}, refused when an example or its parameters outgrow an int. */
  private static ResolvedLayer resolve(Layer layer, LayerInput input) throws Failure {
    ResolvedLayer resolved = layer.resolve(input);
    if (resolved.out().size() > Integer.MAX_VALUE) {
      throw new Failure(
          Messages.tooLarge(
              layer.label(),
              input.node(),
              input.shape(),
              "an output of " + resolved.out() + " = " + resolved.out().size() + " values"),
          layer.at());
    }
    if (resolved.parameters() > Integer.MAX_VALUE) {
      throw new Failure(
          Messages.tooLarge(
              layer.label(), input.node(), input.shape(), resolved.parameters() + " parameters"),
          layer.at());
    }
    return resolved;
  }
}
