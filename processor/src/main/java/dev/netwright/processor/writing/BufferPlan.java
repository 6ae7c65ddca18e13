package dev.netwright.processor.writing;

import dev.netwright.processor.graph.Layer;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import dev.netwright.processor.graph.Shape;
import com.palantir.javapoet.NameAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before any code is written, which array every layer reads and writes: which buffers
 * are allocated, which are views (flatten) or shared in place (ReLU), which gradients exist at all
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

  /**
   * A learned parameter of one layer, or a non-trainable buffer (batch-norm running statistics).
   *
   * @param init the initialiser's name (dev.netwright.dsl.Init), or ZEROS / ONES
   * @param buffer whether it is non-trainable state (no gradient)
   */
  record Param(String name, long[] shape, int fanIn, int fanOut, String init, boolean buffer) {}

  /** One layer of one node with the arrays it reads and writes. */
  static final class Step {
    final ResolvedNode node;
    final ResolvedLayer layer;
    /** The first (for most layers the only) input. */
    final Act in;
    final List<Act> ins;
    final Act out;
    final String kernel;
    final Param weight;
    final Param bias;
    /** Batch-norm running mean and variance, else null. */
    Param runningMean;
    Param runningVar;
    boolean live;
    /** Per input, the gradient field backward writes, or null when that input needs none. */
    final List<String> dxTargets = new ArrayList<>();
    /** Activations whose gradient buffer must take this step's contribution after backward. */
    final List<Act> accumulate = new ArrayList<>();

    Step(ResolvedNode node, ResolvedLayer layer, List<Act> ins, Act out, String kernel, Param weight,
        Param bias) {
      this.node = node;
      this.layer = layer;
      this.in = ins.get(0);
      this.ins = ins;
      this.out = out;
      this.kernel = kernel;
      this.weight = weight;
      this.bias = bias;
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
      boolean mainTaken = false;
      int norms = 0;
      boolean hasMain = node.layers().stream()
          .anyMatch(l -> l.layer() instanceof Layer.Conv || l.layer() instanceof Layer.Dense);
      for (int j = 0; j < node.layers().size(); j++) {
        ResolvedLayer rl = node.layers().get(j);
        String base = node.name() + capitalize(kindName(rl.layer()));
        String what = node.name() + " " + rl.layer().label();
        Act in = act;
        if (rl.layer() instanceof Layer.Dense && !in.shape.flat()) {
          in = new Act(Kind.FLAT_VIEW, in, Shape.flat((int) in.shape.size()),
              names.newName(base + "In"), what + " input, flattened");
          in.requiresGrad = in.source.requiresGrad;
          acts.add(in);
        }
        boolean sharedInput = j == 0 && nodeConsumers.getOrDefault(node.inputs().get(0), 0) > 1;
        List<Act> ins = rl.layer().merges() ? nodeIns : List.of(in);
        Act out;
        if (rl.layer() instanceof Layer.Flatten) {
          out = new Act(Kind.FLAT_VIEW, in, rl.out(), names.newName(base + "Out"), what + " output");
        } else if (inPlace(rl.layer(), in.producer) && in.kind == Kind.OWN && !sharedInput) {
          out = new Act(Kind.ALIAS, in, rl.out(), in.field, what + " output, in place");
        } else {
          out = new Act(Kind.OWN, null, rl.out(), names.newName(base + "Out"), what + " output");
        }
        out.requiresGrad = rl.layer().hasParameters() || ins.stream().anyMatch(a -> a.requiresGrad);
        out.producer = rl.layer();
        acts.add(out);
        Param weight = null;
        Param bias = null;
        Param mean = null;
        Param var = null;
        Layer layer = rl.layer();
        if (layer instanceof Layer.Conv || layer instanceof Layer.Dense) {
          String prefix = mainTaken ? node.path() + "." + kindName(layer) : node.path();
          mainTaken = true;
          long[][] shapes = paramShapes(rl);
          long k = shapes[0].length == 4 ? shapes[0][2] * shapes[0][3] : 1;
          int fanIn = (int) (shapes[0][1] * k);
          int fanOut = (int) (shapes[0][0] * k);
          String init = init(layer, network.init());
          weight = param(prefix + ".weight", shapes[0], fanIn, fanOut, init, false);
          if (hasBias(layer)) {
            bias = param(prefix + ".bias", shapes[1], fanIn, fanOut,
                init.equals("PYTORCH") ? "PYTORCH" : "ZEROS", false);
          }
        } else if (layer instanceof Layer.BatchNorm b) {
          norms++;
          String prefix = hasMain ? node.path() + ".bn" + (norms > 1 ? norms : "")
              : node.path() + (norms > 1 ? ".bn" + norms : "");
          long[] c = {rl.out().channels()};
          if (b.affine()) {
            weight = param(prefix + ".weight", c, 1, 1, "ONES", false);
            bias = param(prefix + ".bias", c, 1, 1, "ZEROS", false);
          }
          mean = param(prefix + ".running_mean", c, 1, 1, "ZEROS", true);
          var = param(prefix + ".running_var", c, 1, 1, "ONES", true);
        }
        String kernel = layer instanceof Layer.Flatten ? null : names.newName(base);
        Step step = new Step(node, rl, ins, out, kernel, weight, bias);
        step.runningMean = mean;
        step.runningVar = var;
        steps.add(step);
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
      a.gradField = a.kind == Kind.ALIAS
          ? a.source.gradField
          : names.newName(a.field.replaceAll("Out$", "") + "Grad");
    }
    planGradientWriters(names);
  }

  private Param param(String name, long[] shape, int fanIn, int fanOut, String init, boolean buffer) {
    if (params.stream().anyMatch(q -> q.name().equals(name))) {
      // Node paths are unique and a layer node's path is never a block's, so this cannot happen.
      throw new IllegalStateException("two parameters are named '" + name + "'");
    }
    Param p = new Param(name, shape, fanIn, fanOut, init, buffer);
    params.add(p);
    return p;
  }

  /** The initialiser of a convolution or dense layer's weights, DEFAULT resolved. */
  private static String init(Layer layer, String network) {
    String own = layer instanceof Layer.Conv c ? c.init() : ((Layer.Dense) layer).init();
    String chosen = own.equals("DEFAULT") ? network : own;
    return chosen.equals("DEFAULT") ? "PYTORCH" : chosen; // DEFAULT on the network is PyTorch's
  }

  /**
   * Whether {@code layer} may overwrite its input: its backward needs only its own output (ReLU,
   * sigmoid, tanh), and the backward of the layer that wrote the input never reads that output
   * (convolution, dense, pooling, merges, batch norm read their inputs; ReLU's mask survives a
   * second ReLU).
   */
  private static boolean inPlace(Layer layer, Layer producer) {
    boolean elementWise = layer instanceof Layer.Relu
        || (layer instanceof Layer.Activation a && a.kind() != Layer.Activation.Kind.SOFTMAX);
    boolean producerKeepsNoOutput = producer instanceof Layer.Conv || producer instanceof Layer.Dense
        || producer instanceof Layer.Pool || producer instanceof Layer.Concat
        || producer instanceof Layer.Add || producer instanceof Layer.GlobalAvgPool
        || producer instanceof Layer.BatchNorm
        || (producer instanceof Layer.Relu && layer instanceof Layer.Relu);
    return elementWise && producerKeepsNoOutput;
  }

  private static long[][] paramShapes(ResolvedLayer rl) {
    if (rl.layer() instanceof Layer.Conv) {
      long k = rl.geometry().kernel();
      return new long[][] {{rl.out().channels(), rl.in().channels(), k, k}, {rl.out().channels()}};
    }
    return new long[][] {{rl.out().channels(), rl.in().size()}, {rl.out().channels()}};
  }

  private static boolean hasBias(Layer layer) {
    return layer instanceof Layer.Conv c ? c.bias() : ((Layer.Dense) layer).bias();
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
   * (branches, shortcuts) only the first of them in backward order writes its gradient buffer;
   * the others write a second buffer that is then added in.
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
    return s.live && s.kernel != null
        && (s.layer.layer().hasParameters() || s.ins.stream().anyMatch(a -> a.requiresGrad));
  }

  /**
   * The activation whose gradient {@code a}'s contributions add up in: a flat view's source. An
   * in-place activation counts on its own: the layer that made it in place transforms its
   * gradient (ReLU backward) rather than adding to it.
   */
  static Act root(Act a) {
    while (a.kind == Kind.FLAT_VIEW) {
      a = a.source;
    }
    return a;
  }

  static String kindName(Layer layer) {
    if (layer instanceof Layer.Pool p) {
      return p.max() ? "maxPool" : "avgPool";
    }
    if (layer instanceof Layer.BatchNorm) {
      return "batchNorm";
    }
    if (layer instanceof Layer.GlobalAvgPool) {
      return "globalAvgPool";
    }
    if (layer instanceof Layer.Lrn) {
      return "lrn";
    }
    return layer.label();
  }

  static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
