package dev.netwright.processor.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * The fuzzer's own model of a network source: what {@link Renderer} writes and {@link Oracle}
 * judges. A null attribute is one the source leaves out (its default applies); the processor's
 * classes are never used, so the oracle stays independent of them.
 */
final class Ast {
  private Ast() {}

  /** One layer annotation. */
  sealed interface Layer permits Conv, Pool, Simple, Dense, BatchNorm, GroupNorm, Lrn, Dropout {}

  /** {@code @Conv}; padding is null, "VALID" or "SAME"; rounding null, "EXACT" or "FLOOR". */
  record Conv(int filters, int kernel, Integer stride, String padding, Integer pad, Boolean bias,
      String rounding, String init, Integer groups) implements Layer {
    /** A convolution that leaves groups out. */
    Conv(int filters, int kernel, Integer stride, String padding, Integer pad, Boolean bias, String rounding,
        String init) {
      this(filters, kernel, stride, padding, pad, bias, rounding, init, null);
    }

    /** The groups it has: 1 when left out. */
    int groupCount() {
      return groups == null ? 1 : groups;
    }
  }

  /** {@code @MaxPool} or {@code @AvgPool}. */
  record Pool(boolean max, int size, Integer stride, String padding, Integer pad, String rounding,
      Boolean countPadding) implements Layer {}

  /** The layers without attributes. */
  enum Kind {
    RELU("Relu"), SIGMOID("Sigmoid"), TANH("Tanh"), SOFTMAX("Softmax"), FLATTEN("Flatten"),
    GAP("GlobalAvgPool"), CONCAT("Concat"), ADD("Add");

    final String annotation;

    Kind(String annotation) {
      this.annotation = annotation;
    }

    boolean merges() {
      return this == CONCAT || this == ADD;
    }
  }

  /** An attribute-less layer. */
  record Simple(Kind kind) implements Layer {}

  /** {@code @Dense}. */
  record Dense(int units, Integer inFeatures, Boolean bias, String init) implements Layer {}

  /** {@code @BatchNorm}; doubles are rendered as written Java expressions by {@link #lit}. */
  record BatchNorm(Double momentum, Double eps, Boolean affine) implements Layer {}

  /** {@code @GroupNorm}; groups is required. */
  record GroupNorm(int groups, Double eps, Boolean affine) implements Layer {}

  /** {@code @Lrn}. */
  record Lrn(Integer depthRadius, Double bias, Double alpha, Double beta) implements Layer {}

  /** {@code @Dropout}. */
  record Dropout(double p) implements Layer {}

  /** A built-in block annotation. */
  sealed interface Builtin permits Vgg, Naive, Inception, InceptionA, Residual {}

  record Vgg(int convs, int filters) implements Builtin {}

  record Naive(int c1, int c3, int c5) implements Builtin {}

  record Inception(int c1, int r3, int c3, int r5, int c5, int pp) implements Builtin {}

  /** Null widths take the annotation's defaults (16, 16, 24, 16, 24, 24). */
  record InceptionA(Integer c1, Integer r5, Integer c5, Integer r3, Integer c3, Integer pp)
      implements Builtin {}

  record Residual(int filters, Integer stride, String projection, String variant, Integer expansion,
      Boolean batchNorm) implements Builtin {}

  /** One method of a network or block interface. */
  static final class Node {
    String name;
    /** Names of the inputs; empty means the previous node. */
    List<String> params = new ArrayList<>();
    List<Layer> layers = new ArrayList<>();
    /** Built-in block annotations: normally none or one. */
    List<Builtin> blocks = new ArrayList<>();
    /** The {@code @Block} interface this node returns, or null for Node. */
    String userBlock;
    /** Malformations, null when well formed: a return type other than Node or the block. */
    String returnType;
    /** "default", "static", "private" or "generic". */
    String modifier;
    /** The type of the first parameter instead of Node. */
    String paramType;
    boolean varargs;

    Node(String name) {
      this.name = name;
    }

    Node copy() {
      Node n = new Node(name);
      n.params = new ArrayList<>(params);
      n.layers = new ArrayList<>(layers);
      n.blocks = new ArrayList<>(blocks);
      n.userBlock = userBlock;
      n.returnType = returnType;
      n.modifier = modifier;
      n.paramType = paramType;
      n.varargs = varargs;
      return n;
    }

    /** Whether parameters or modifiers make this method something other than a plain node. */
    boolean malformed() {
      return returnType != null || modifier != null || paramType != null || varargs;
    }
  }

  /** A {@code @Block} interface. */
  static final class Block {
    final String name;
    List<Node> nodes = new ArrayList<>();

    Block(String name) {
      this.name = name;
    }

    Block copy() {
      Block b = new Block(name);
      for (Node n : nodes) {
        b.nodes.add(n.copy());
      }
      return b;
    }

    Node node(String name) {
      return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElse(null);
    }
  }

  /** A {@code @Network} interface with the user blocks declared for it. */
  static final class Net {
    final String name;
    int channels;
    int height;
    int width;
    Integer classes;
    /** Null for the default, SOFTMAX_CROSS_ENTROPY. */
    String head;
    String init;
    List<Node> nodes = new ArrayList<>();
    List<Block> blocks = new ArrayList<>();
    /** "valid" for a network built valid, else the name of the fault put into it. */
    String fault = "valid";

    Net(String name) {
      this.name = name;
    }

    String headName() {
      return head == null ? "SOFTMAX_CROSS_ENTROPY" : head;
    }

    Net copy() {
      Net n = new Net(name);
      n.channels = channels;
      n.height = height;
      n.width = width;
      n.classes = classes;
      n.head = head;
      n.init = init;
      for (Node x : nodes) {
        n.nodes.add(x.copy());
      }
      for (Block b : blocks) {
        n.blocks.add(b.copy());
      }
      n.fault = fault;
      return n;
    }

    Block block(String name) {
      return blocks.stream().filter(b -> b.name.equals(name)).findFirst().orElse(null);
    }
  }

  /** The annotation a layer is written with: each may appear once on a node (none is repeatable). */
  static String annotation(Layer l) {
    if (l instanceof Pool p) {
      return p.max() ? "MaxPool" : "AvgPool";
    }
    if (l instanceof Simple s) {
      return s.kind().annotation;
    }
    return l.getClass().getSimpleName();
  }

  /** Whether {@code layers} already hold a layer written with {@code l}'s annotation. */
  static boolean has(List<Layer> layers, Layer l) {
    return layers.stream().anyMatch(x -> annotation(x).equals(annotation(l)));
  }

  /** A Java expression for {@code v}: infinities and NaN as constant divisions. */
  static String lit(double v) {
    if (Double.isNaN(v)) {
      return "0.0 / 0";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "1.0 / 0" : "-1.0 / 0";
    }
    return Double.toString(v);
  }
}
