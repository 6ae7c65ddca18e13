package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Block;
import dev.netwright.processor.fuzz.Ast.Builtin;
import dev.netwright.processor.fuzz.Ast.Kind;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Ast.Node;
import dev.netwright.processor.fuzz.Ast.Simple;
import dev.netwright.processor.fuzz.Oracle.Loc;
import dev.netwright.processor.fuzz.Shapes.Fail;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random networks from a seed: built valid, layer by layer, with every number chosen to fit the
 * shape at hand (chains, fan-out branches joined by concat or add, the built-in blocks, nested user
 * blocks, every head), then, on request, broken on purpose by one fault.
 */
final class Generator {
  static final String[] INITS = {
    "DEFAULT",
    "PYTORCH",
    "HE_NORMAL",
    "HE_UNIFORM",
    "XAVIER_NORMAL",
    "XAVIER_UNIFORM",
    "SCALED_NORMAL"
  };

  /** Names of the nodes inside the built-in blocks, and of parameters and their sub-modules. */
  static final String[] SHADOWS = {
    "conv1",
    "conv2",
    "conv3",
    "bn1",
    "bn2",
    "bn3",
    "bn",
    "shortcut",
    "shortcut_bn",
    "conv1x1",
    "conv3x3",
    "conv5x5",
    "reduce3x3",
    "reduce5x5",
    "poolProjection",
    "pool",
    "branch1x1",
    "branch5x5_1",
    "branch5x5_2",
    "branch3x3_1",
    "branch3x3_2",
    "branch3x3_3",
    "branch_pool",
    "out",
    "weight",
    "bias",
    "running_mean",
    "dense",
    "conv"
  };

  private final Random r;
  private final LayerDraws draw;
  private final Net net;
  private int blocks;

  private Generator(Net net, long seed) {
    this.net = net;
    this.r = new Random(seed);
    this.draw = new LayerDraws(r);
  }

  /** A valid network called {@code name}. */
  static Net valid(String name, long seed) {
    Net net = new Net(name);
    new Generator(net, seed).build();
    return net;
  }

  /**
   * {@code valid} broken by one fault the oracle confirms, or null when no fault took. The fault's
   * name is kept in {@link Net#fault}.
   */
  static Net invalid(Net valid, long seed) {
    Random r = new Random(seed);
    for (int attempt = 0; attempt < 40; attempt++) {
      Net copy = valid.copy();
      Mutator m = new Mutator(copy, r);
      String fault = m.apply();
      if (fault == null) {
        continue;
      }
      copy.fault = fault;
      // Extreme numbers that still give shapes within int are kept: those must come out right.
      if (!Oracle.judge(copy).valid || fault.equals("extreme")) {
        return copy;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Valid networks

  /** Nodes being written in one interface, with the shape of each. */
  private final class Scope {
    final String owner;
    final int depth;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Shape> shapes = new LinkedHashMap<>();
    String previous = "input";
    int counter = 1;

    Scope(String owner, Shape in, int depth) {
      this.owner = owner;
      this.depth = depth;
      shapes.put("input", in);
    }

    Shape current() {
      return shapes.get(previous);
    }

    /**
     * A fresh name: mostly the word and a counter, sometimes one of the names the built-in blocks
     * give their own nodes or a PyTorch parameter's name, which users write too and which must not
     * be confused with those inside a block.
     */
    String name(String word) {
      if (r.nextInt(4) == 0) {
        String shadow = SHADOWS[r.nextInt(SHADOWS.length)];
        if (!shapes.containsKey(shadow)) {
          return shadow;
        }
      }
      String name;
      do {
        name = word + counter++;
      } while (shapes.containsKey(name));
      return name;
    }

    void add(Node n, Shape out) {
      nodes.add(n);
      shapes.put(n.name, out);
      previous = n.name;
    }

    /** An earlier node (or the input), the previous one more often than not. */
    String pick(boolean spatial) {
      List<String> options = new ArrayList<>();
      for (Map.Entry<String, Shape> e : shapes.entrySet()) {
        if (!spatial || !e.getValue().flat()) {
          options.add(e.getKey());
        }
      }
      if (options.isEmpty()) {
        return null;
      }
      if (options.contains(previous) && r.nextInt(10) < 7) {
        return previous;
      }
      return options.get(r.nextInt(options.size()));
    }

    /** Parameters naming {@code from}: none when it is the previous node, mostly. */
    List<String> params(String from) {
      List<String> p = new ArrayList<>();
      if (!from.equals(previous) || r.nextInt(8) == 0) {
        p.add(from);
      }
      return p;
    }
  }

  private void build() {
    net.channels = 1 + r.nextInt(3);
    net.height = size();
    net.width = r.nextInt(3) == 0 ? size() : net.height;
    Scope s = new Scope(net.name, Shape.map(net.channels, net.height, net.width), 0);
    int target = 1 + r.nextInt(r.nextInt(4) == 0 ? 12 : 6);
    while (s.nodes.size() < target) {
      step(s);
    }
    head(s);
    net.nodes = s.nodes;
    if (r.nextInt(5) == 0) {
      net.init = INITS[r.nextInt(INITS.length)]; // DEFAULT too: on a network it means PYTORCH
    }
  }

  private int size() {
    int k = r.nextInt(10);
    return k < 7 ? 6 + r.nextInt(15) : k < 9 ? 2 + r.nextInt(4) : 1 + r.nextInt(2);
  }

  private void step(Scope s) {
    int k = r.nextInt(100);
    boolean ok;
    if (k < 50) {
      ok = chain(s);
    } else if (k < 65) {
      ok = branches(s);
    } else if (k < 77) {
      ok = builtin(s);
    } else if (k < 90) {
      ok = userBlock(s);
    } else if (k < 95) {
      ok = flatAdd(s);
    } else {
      ok = chainFrom(s, "input");
    }
    if (!ok) {
      chain(s);
    }
  }

  private boolean chain(Scope s) {
    return chainFrom(s, s.pick(false));
  }

  private boolean chainFrom(Scope s, String from) {
    Shape cur = s.shapes.get(from);
    List<Layer> layers = new ArrayList<>();
    int n = 1 + r.nextInt(3);
    for (int tries = 0; layers.size() < n && tries < 20; tries++) {
      Layer l = cur.flat() ? draw.flat(cur) : draw.spatial(cur);
      if (Ast.has(layers, l)) {
        continue;
      }
      try {
        cur = Shapes.layer(l, cur, new Loc(s.owner, "?"), "?");
        layers.add(l);
      } catch (Fail f) {
        // not a fit: draw another
      }
    }
    if (layers.isEmpty()) {
      return false;
    }
    Node node = new Node(s.name(layers.get(0).word()));
    node.params = s.params(from);
    node.layers = layers;
    s.add(node, cur);
    return true;
  }

  /** Two or three branches from one feature map, each keeping its size, joined by concat or add. */
  private boolean branches(Scope s) {
    String base = s.pick(true);
    if (base == null) {
      return false;
    }
    Shape in = s.shapes.get(base);
    boolean add = r.nextBoolean();
    int target = add ? (r.nextBoolean() ? (int) in.c() : 1 + r.nextInt(6)) : -1;
    int m = 2 + r.nextInt(2);
    List<String> names = new ArrayList<>();
    Shape joined = null;
    for (int i = 0; i < m; i++) {
      if (add && i == m - 1 && target == in.c() && r.nextBoolean()) {
        names.add(base); // a skip connection by hand
        continue;
      }
      List<Layer> layers = draw.sizeKeeping(in, add ? target : 1 + r.nextInt(6), add);
      Shape out = in;
      try {
        for (Layer l : layers) {
          out = Shapes.layer(l, out, new Loc(s.owner, "?"), "?");
        }
      } catch (Fail f) {
        throw new AssertionError("generator: a size-keeping branch failed: " + f.getMessage(), f);
      }
      Node node = new Node(s.name("branch"));
      node.params.add(base);
      node.layers = layers;
      s.add(node, out);
      names.add(node.name);
    }
    List<Shape> shapes = names.stream().map(s.shapes::get).toList();
    long channels = shapes.stream().mapToLong(Shape::c).sum();
    joined = add ? shapes.get(0) : Shape.map(channels, in.h(), in.w());
    Node merge = new Node(s.name(add ? "sum" : "cat"));
    merge.params.addAll(names);
    merge.layers.add(new Simple(add ? Kind.ADD : Kind.CONCAT));
    if (r.nextInt(3) == 0) {
      merge.layers.add(draw.activation());
    }
    // (each annotation at most once: an activation and a batch norm are different ones)
    if (r.nextInt(6) == 0) {
      merge.layers.add(draw.batchNorm());
    }
    s.add(merge, joined);
    return true;
  }

  /** Two dense layers of the same width from one node, added: add on flat shapes. */
  private boolean flatAdd(Scope s) {
    String base = s.pick(false);
    Shape in = s.shapes.get(base);
    int units = 1 + r.nextInt(10);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Node node = new Node(s.name("fc"));
      node.params.add(base);
      node.layers.add(new Ast.Dense(units, null, null, draw.init()));
      if (r.nextBoolean()) {
        node.layers.add(draw.activation());
      }
      s.add(node, Shape.flat(units));
      names.add(node.name);
    }
    Node merge = new Node(s.name("sum"));
    merge.params.addAll(names);
    merge.layers.add(new Simple(Kind.ADD));
    s.add(merge, Shape.flat(units));
    return true;
  }

  private boolean builtin(Scope s) {
    String from = s.pick(true);
    if (from == null) {
      return false;
    }
    Shape in = s.shapes.get(from);
    if (in.c() > 24) {
      return false;
    }
    Builtin b;
    String word;
    int k = r.nextInt(5);
    if (k == 0 && in.h() >= 2 && in.w() >= 2) {
      b = new Ast.Vgg(1 + r.nextInt(2), 1 + r.nextInt(6));
      word = "vgg";
    } else if (k == 1) {
      b = new Ast.Naive(1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3));
      word = "inc";
    } else if (k == 2) {
      b =
          new Ast.Inception(
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              1 + r.nextInt(3));
      word = "inc";
    } else if (k == 3) {
      b =
          r.nextInt(6) == 0
              ? new Ast.InceptionA(null, null, null, null, null, null)
              : new Ast.InceptionA(
                  1 + r.nextInt(3),
                  1 + r.nextInt(3),
                  1 + r.nextInt(3),
                  1 + r.nextInt(3),
                  1 + r.nextInt(3),
                  1 + r.nextInt(3));
      word = "mix";
    } else {
      String[] variants = {null, "BASIC", "BOTTLENECK", "PRE_ACTIVATION"};
      String variant = variants[r.nextInt(4)];
      int filters = 1 + r.nextInt(6);
      Integer stride = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : null;
      Integer expansion = "BOTTLENECK".equals(variant) && r.nextBoolean() ? 1 + r.nextInt(2) : null;
      long out =
          "BOTTLENECK".equals(variant)
              ? (long) filters * (expansion == null ? 4 : expansion)
              : filters;
      boolean differs = out != in.c() || (stride != null && stride != 1);
      String[] projections =
          differs
              ? new String[] {null, "AUTO", "ALWAYS"}
              : new String[] {null, "AUTO", "ALWAYS", "NEVER"};
      b =
          new Ast.Residual(
              filters,
              stride,
              projections[r.nextInt(projections.length)],
              variant,
              expansion,
              r.nextInt(3) == 0 ? r.nextBoolean() : null);
      word = "res";
    }
    Node node = new Node(s.name(word));
    node.params = s.params(from);
    node.blocks.add(b);
    try {
      s.add(node, Shapes.block(b, in));
    } catch (Fail f) {
      return false;
    }
    return true;
  }

  /**
   * A user block: an earlier one that fits the shape at hand (so one block comes back many times,
   * at several depths, in the network and inside other blocks), or a new one written for it.
   */
  private boolean userBlock(Scope s) {
    if (s.depth >= 3) {
      return false;
    }
    String from = s.pick(false);
    Shape in = s.shapes.get(from);
    Block chosen = null;
    Shape out = null;
    for (int tries = 0;
        tries < 3 && chosen == null && !net.blocks.isEmpty() && r.nextInt(5) < 3;
        tries++) {
      Block b = net.blocks.get(r.nextInt(net.blocks.size()));
      try {
        out = Oracle.blockOutput(net, b, in);
        chosen = b;
      } catch (Fail f) {
        // does not fit here: try another, or write a new one
      }
    }
    if (chosen == null && s.depth >= 2) {
      return false; // deep enough: only reuse
    }
    if (chosen == null) {
      Block b = new Block(net.name + "B" + ++blocks);
      Scope inner = new Scope(b.name, in, s.depth + 1);
      int target = 1 + r.nextInt(3);
      while (inner.nodes.size() < target) {
        step(inner);
      }
      b.nodes = inner.nodes;
      net.blocks.add(b);
      chosen = b;
      out = inner.current();
    }
    Node node = new Node(s.name("blk"));
    node.params = s.params(from);
    node.userBlock = chosen.name;
    s.add(node, out);
    return true;
  }

  /** Ends the network so that its head holds. */
  private void head(Scope s) {
    int k = r.nextInt(100);
    Shape out = s.current();
    if (k < 45) {
      net.head = k < 10 ? "SOFTMAX_CROSS_ENTROPY" : null;
      if (!out.flat()) {
        out = finalDense(s, 2 + r.nextInt(9));
      }
      if (r.nextInt(5) < 2) {
        net.classes = (int) out.c();
      }
    } else if (k < 65) {
      net.head = "NONE";
      if (r.nextInt(5) == 0) {
        net.classes = 1 + r.nextInt(10);
      }
    } else if (k < 80) {
      net.head = "MEAN_SQUARED_ERROR";
      if (out.flat() && r.nextInt(3) == 0) {
        net.classes = (int) out.c();
      }
    } else {
      net.head = "SIGMOID_BINARY_CROSS_ENTROPY";
      if (!out.flat() || out.c() != 1) {
        finalDense(s, 1);
      }
      if (r.nextInt(3) == 0) {
        net.classes = 2;
      }
    }
  }

  private Shape finalDense(Scope s, int units) {
    Node node = new Node(s.name("fc"));
    if (r.nextInt(4) == 0 && !s.current().flat()) {
      node.layers.add(new Simple(r.nextBoolean() ? Kind.GAP : Kind.FLATTEN));
    }
    node.layers.add(new Ast.Dense(units, null, null, draw.init()));
    Shape out = Shape.flat(units);
    s.add(node, out);
    return out;
  }
}
