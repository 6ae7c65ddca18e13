package dev.netwright.processor.writing;

import com.palantir.javapoet.NameAllocator;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.layer.Parameter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before any code is written, which array every layer reads and writes: which buffers are
 * allocated, which are views (flatten) or shared in place (ReLU), which gradients exist at all
 * (none upstream of the first learned layer), and which layers are dead (feed nothing the output
 * needs).
 */
final class BufferPlan {
  /** How an activation's array comes to be. */
  enum Kind {
    /** The network input buffer. */
    INPUT,
    /** An array of its own. */
    OWN,
    /** The same array as its source (an in-place layer). */
    ALIAS,
    /** A flat [N, F] view of its source. */
    FLAT_VIEW
  }

  /** One activation array and, when needed, its gradient. */
  static final class Act {
    final Kind kind;
    final Act source;
    final Shape shape;
    final String field;
    final String description;

    /** The layer that wrote this array, null for the input. */
    Layer producer;

    boolean requiresGrad;
    String gradField;

    /** A second gradient buffer, for contributions after the first (fan-out); null if none. */
    String partField;

    /** The kernel that adds {@link #partField} into {@link #gradField}; null if none. */
    String accumulator;

    Act(Kind kind, Act source, Shape shape, String field, String description) {
      this.kind = kind;
      this.source = source;
      this.shape = shape;
      this.field = field;
      this.description = description;
    }
  }

  /** A parameter of one layer under its full name ("conv1.bn.weight"). */
  record Param(String name, Parameter spec) {}

  /** One layer of one node with the arrays it reads and writes. */
  static final class Step {
    final ResolvedNode node;
    final ResolvedLayer layer;

    /** The first (for most layers the only) input. */
    final Act in;

    final List<Act> ins;
    final Act out;

    /** The kernel's field, null for a view (flatten). */
    final String kernel;

    /** The layer's parameters by their name within the layer ("weight"), in registration order. */
    final Map<String, Param> params;

    boolean live;

    /** Per input, the gradient field backward writes, or null when that input needs none. */
    final List<String> dxTargets = new ArrayList<>();

    /** Activations whose gradient buffer must take this step's contribution after backward. */
    final List<Act> accumulate = new ArrayList<>();

    Step(
        ResolvedNode node,
        ResolvedLayer layer,
        List<Act> ins,
        Act out,
        String kernel,
        Map<String, Param> params) {
      this.node = node;
      this.layer = layer;
      this.in = ins.get(0);
      this.ins = ins;
      this.out = out;
      this.kernel = kernel;
      this.params = params;
    }
  }

  final List<Act> acts = new ArrayList<>();
  final List<Step> steps = new ArrayList<>();
  final List<Param> params = new ArrayList<>();

  /** The output of every node, in the network's order. */
  final List<Act> nodeOutputs = new ArrayList<>();

  final Act input;
  final Act output;

  BufferPlan(ResolvedNetwork network, NameAllocator names) {
    input = new Act(Kind.INPUT, null, network.input(), "input", "network input");
    Map<String, Act> nodeOutputs = new HashMap<>();
    nodeOutputs.put(NetworkSpec.INPUT, input);
    Map<String, Integer> nodeConsumers = new HashMap<>();
    for (ResolvedNode node : network.nodes()) {
      for (String in : node.inputs()) {
        nodeConsumers.merge(in, 1, Integer::sum);
      }
    }
    for (ResolvedNode node : network.nodes()) {
      List<Act> nodeIns = node.inputs().stream().map(nodeOutputs::get).toList();
      Act act = nodeIns.get(0);
      List<List<Parameter>> declared = new ArrayList<>();
      for (ResolvedLayer rl : node.layers()) {
        declared.add(rl.layer().parameters(rl, network.init()));
      }
      List<String> prefixes = parameterPrefixes(node, declared);
      for (int j = 0; j < node.layers().size(); j++) {
        ResolvedLayer rl = node.layers().get(j);
        Layer layer = rl.layer();
        String base = node.name() + capitalize(layer.kindName());
        String what = node.name() + " " + layer.label();
        Act in = act;
        if (layer.flattensInput() && !in.shape.flat()) {
          in =
              new Act(
                  Kind.FLAT_VIEW,
                  in,
                  Shape.flat((int) in.shape.size()),
                  names.newName(base + "In"),
                  what + " input, flattened");
          in.requiresGrad = in.source.requiresGrad;
          acts.add(in);
        }
        boolean sharedInput = j == 0 && nodeConsumers.getOrDefault(node.inputs().get(0), 0) > 1;
        List<Act> ins = layer.merges() ? nodeIns : List.of(in);
        Act out;
        if (layer.kernelClass() == null) {
          out =
              new Act(Kind.FLAT_VIEW, in, rl.out(), names.newName(base + "Out"), what + " output");
        } else if (inPlace(layer, in) && !sharedInput) {
          out = new Act(Kind.ALIAS, in, rl.out(), in.field, what + " output, in place");
        } else {
          out = new Act(Kind.OWN, null, rl.out(), names.newName(base + "Out"), what + " output");
        }
        out.requiresGrad = rl.parameters() > 0 || ins.stream().anyMatch(a -> a.requiresGrad);
        out.producer = layer;
        acts.add(out);
        Map<String, Param> params = new LinkedHashMap<>();
        for (Parameter p : declared.get(j)) {
          params.put(p.name(), param(prefixes.get(j) + "." + p.name(), p));
        }
        checkCounts(rl, declared.get(j));
        String kernel = layer.kernelClass() == null ? null : names.newName(base);
        steps.add(new Step(node, rl, ins, out, kernel, params));
        act = out;
      }
      nodeOutputs.put(node.name(), act);
      this.nodeOutputs.add(act);
    }
    output = nodeOutputs.get(network.output().name());
    markLive(network);
    for (Act a : acts) { // in creation order: a source is named before its views
      if (!a.requiresGrad) {
        continue;
      }
      a.gradField =
          a.kind == Kind.ALIAS
              ? a.source.gradField
              : names.newName(a.field.replaceAll("Out$", "") + "Grad");
    }
    planGradientWriters(names);
  }

  private Param param(String name, Parameter spec) {
    if (params.stream().anyMatch(q -> q.name().equals(name))) {
      // Node paths are unique and a layer node's path is never a block's, so this cannot happen.
      throw new IllegalStateException("two parameters are named '" + name + "'");
    }
    Param p = new Param(name, spec);
    params.add(p);
    return p;
  }

  /**
   * Where each layer of {@code node} names its parameters (null for a layer without any): the
   * node's primary layer (else its first layer with parameters) under the node's own path, the
   * others under their scope, numbered from the second of a scope on ("conv1.bn", "conv1.bn2").
   */
  private static List<String> parameterPrefixes(ResolvedNode node, List<List<Parameter>> declared) {
    int owner = -1;
    for (int j = 0; j < declared.size() && owner < 0; j++) {
      owner = node.layers().get(j).layer().primary() ? j : -1;
    }
    for (int j = 0; j < declared.size() && owner < 0; j++) {
      owner = declared.get(j).isEmpty() ? -1 : j;
    }
    List<String> prefixes = new ArrayList<>();
    Map<String, Integer> scopes = new HashMap<>();
    for (int j = 0; j < declared.size(); j++) {
      if (declared.get(j).isEmpty()) {
        prefixes.add(null);
        continue;
      }
      String scope = node.layers().get(j).layer().parameterScope();
      int k = scopes.merge(scope, 1, Integer::sum);
      prefixes.add(j == owner ? node.path() : node.path() + "." + scope + (k > 1 ? k : ""));
    }
    return prefixes;
  }

  /** The parameters a layer declares must be those its shape rule counted. */
  private static void checkCounts(ResolvedLayer rl, List<Parameter> declared) {
    long learned = declared.stream().filter(p -> !p.buffer()).mapToLong(Parameter::size).sum();
    long state = declared.stream().filter(Parameter::buffer).mapToLong(Parameter::size).sum();
    if (learned != rl.parameters() || state != rl.buffers()) {
      throw new IllegalStateException(
          rl.layer().label()
              + " declares "
              + learned
              + " parameters and "
              + state
              + " buffer values, but its shape rule counts "
              + rl.parameters()
              + " and "
              + rl.buffers());
    }
  }

  /**
   * Whether the layer reading {@code in} may overwrite it: it runs in place, and the layer that
   * wrote {@code in} into an array of its own never reads it again.
   */
  private static boolean inPlace(Layer layer, Act in) {
    return layer.inPlace()
        && in.kind == Kind.OWN
        && in.producer != null
        && in.producer.outputOverwritableBy(layer);
  }

  /** A step is live when the output depends on it; backward skips the others. */
  private void markLive(ResolvedNetwork network) {
    Map<String, ResolvedNode> byName = new HashMap<>();
    network.nodes().forEach(n -> byName.put(n.name(), n));
    Set<String> live = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(network.output().name()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (byName.containsKey(name) && live.add(name)) {
        todo.addAll(byName.get(name).inputs());
      }
    }
    for (Step s : steps) {
      s.live = live.contains(s.node.name());
    }
  }

  /**
   * Backward overwrites each input gradient, so when an activation feeds several live layers
   * (branches, shortcuts) only the first of them in backward order writes its gradient buffer; the
   * others write a second buffer that is then added in.
   */
  private void planGradientWriters(NameAllocator names) {
    Map<Act, Integer> writes = new HashMap<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (!runsBackward(s)) {
        continue;
      }
      for (Act a : s.ins) {
        if (!a.requiresGrad) {
          s.dxTargets.add(null);
          continue;
        }
        Act root = root(a);
        if (writes.merge(root, 1, Integer::sum) == 1) {
          s.dxTargets.add(a.gradField);
          continue;
        }
        if (root.partField == null) {
          root.partField = names.newName(root.gradField + "Part");
          root.accumulator = names.newName(root.gradField + "Accumulate");
        }
        if (a != root && a.partField == null) {
          a.partField = names.newName(a.gradField + "Part");
        }
        if (s.accumulate.contains(root)) {
          throw new IllegalStateException(
              "layer " + s.kernel + " contributes twice to the gradient of " + root.field);
        }
        s.dxTargets.add(a.partField);
        s.accumulate.add(root);
      }
    }
  }

  /** Whether backward calls this step's kernel: it learns, or something before it does. */
  static boolean runsBackward(Step s) {
    return s.live
        && s.kernel != null
        && (s.layer.parameters() > 0 || s.ins.stream().anyMatch(a -> a.requiresGrad));
  }

  /**
   * The activation whose gradient {@code a}'s contributions add up in: a flat view's source. An
   * in-place activation counts on its own: the layer that made it in place transforms its gradient
   * (ReLU backward) rather than adding to it.
   */
  static Act root(Act a) {
    while (a.kind == Kind.FLAT_VIEW) {
      a = a.source;
    }
    return a;
  }

  static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
