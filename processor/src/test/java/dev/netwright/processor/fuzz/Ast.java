package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Oracle.Loc;
import dev.netwright.processor.fuzz.Shapes.Fail;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The fuzzer's own model of a network source: what {@link Renderer} writes and {@link Oracle}
 * judges. A null attribute is one the source leaves out (its default applies); the processor's
 * classes are never used, so the oracle stays independent of them.
 */
final class Ast {
  private Ast() {}

  /**
   * One layer annotation, with everything the fuzzer knows about its kind: how it is written, its
   * shape rule, its numbers that are wrong before any shape is known, and the word its generated
   * nodes are named with. A new kind is one record here (the compiler asks for each method), its
   * valid draws in {@link LayerDraws} and its faults in {@link Mutator}.
   */
  sealed interface Layer permits Conv, Pool, Simple, Dense, BatchNorm, GroupNorm, Lrn, Dropout {
    /** The annotation as Java source; attributes in an order drawn from {@code r}. */
    String render(Random r);

    /**
     * The output on {@code in}, or the failure at {@code at} (node {@code node}): PyTorch's and
     * TensorFlow's arithmetic as the DSL documents it, in longs.
     */
    Shape shape(Shape in, Loc at, String node) throws Fail;

    /** The tag of the first number that is wrong whatever the shapes, or null. */
    String badNumbers();

    /** The word generated nodes starting with this layer are named with: "conv" for conv1. */
    String word();
  }

  /** {@code @Conv}; padding is null, "VALID" or "SAME"; rounding null, "EXACT" or "FLOOR". */
  record Conv(
      int filters,
      int kernel,
      Integer stride,
      String padding,
      Integer pad,
      Boolean bias,
      String rounding,
      String init,
      Integer groups)
      implements Layer {
    /** A convolution that leaves groups out. */
    Conv(
        int filters,
        int kernel,
        Integer stride,
        String padding,
        Integer pad,
        Boolean bias,
        String rounding,
        String init) {
      this(filters, kernel, stride, padding, pad, bias, rounding, init, null);
    }

    /** The groups it has: 1 when left out. */
    int groupCount() {
      return groups == null ? 1 : groups;
    }

    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      a.add("filters = " + filters);
      a.add("kernel = " + kernel);
      Renderer.opt(a, "stride", stride);
      if (padding != null) {
        a.add("padding = Padding." + padding);
      }
      Renderer.opt(a, "pad", pad);
      Renderer.opt(a, "bias", bias);
      if (rounding != null) {
        a.add("rounding = Rounding." + rounding);
      }
      if (init != null) {
        a.add("init = Init." + init);
      }
      Renderer.opt(a, "groups", groups);
      return Renderer.annotation("Conv", a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      Shapes.spatial(in, at, "conv in '" + node + "'");
      Shapes.groups(in, groupCount(), at, "conv");
      int s = stride == null ? 1 : stride;
      long[] h =
          Shapes.axis(in.h(), kernel, s, padding, pad, "FLOOR".equals(rounding), at, "height");
      long[] w =
          Shapes.axis(in.w(), kernel, s, padding, pad, "FLOOR".equals(rounding), at, "width");
      return Shapes.fits(Shape.map(filters, h[0], w[0]));
    }

    @Override
    public String badNumbers() {
      if (filters <= 0 || kernel <= 0 || (stride != null && stride <= 0) || groupCount() <= 0) {
        return "non-positive";
      }
      String bad = paddingFault(padding, pad, 0);
      // The filters split into groups as the input channels do, and they are known before any
      // shape.
      return bad != null ? bad : filters % groupCount() != 0 ? "groups" : null;
    }

    @Override
    public String word() {
      return "conv";
    }
  }

  /** {@code @MaxPool} or {@code @AvgPool}. */
  record Pool(
      boolean max,
      int size,
      Integer stride,
      String padding,
      Integer pad,
      String rounding,
      Boolean countPadding)
      implements Layer {
    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      a.add("value = " + size);
      Renderer.opt(a, "stride", stride);
      if (padding != null) {
        a.add("padding = Padding." + padding);
      }
      Renderer.opt(a, "pad", pad);
      if (rounding != null) {
        a.add("rounding = Rounding." + rounding);
      }
      Renderer.opt(a, "countPadding", countPadding);
      String name = max ? "MaxPool" : "AvgPool";
      return a.size() == 1 ? "@" + name + "(" + size + ")" : Renderer.annotation(name, a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      Shapes.spatial(in, at, "pool in '" + node + "'");
      int s = stride == null ? size : stride;
      long[] h = Shapes.axis(in.h(), size, s, padding, pad, "FLOOR".equals(rounding), at, "height");
      long[] w = Shapes.axis(in.w(), size, s, padding, pad, "FLOOR".equals(rounding), at, "width");
      return Shapes.fits(Shape.map(in.c(), h[0], w[0]));
    }

    @Override
    public String badNumbers() {
      if (size <= 0 || (stride != null && stride <= 0)) {
        return "non-positive";
      }
      return paddingFault(padding, pad, size);
    }

    @Override
    public String word() {
      return "pool";
    }
  }

  /** The layers without attributes. */
  enum Kind {
    RELU("Relu"),
    SIGMOID("Sigmoid"),
    TANH("Tanh"),
    SOFTMAX("Softmax"),
    FLATTEN("Flatten"),
    GAP("GlobalAvgPool"),
    CONCAT("Concat"),
    ADD("Add");

    final String annotation;

    Kind(String annotation) {
      this.annotation = annotation;
    }

    boolean merges() {
      return this == CONCAT || this == ADD;
    }
  }

  /** An attribute-less layer; the merges' shapes are {@link Shapes#merge}'s. */
  record Simple(Kind kind) implements Layer {
    @Override
    public String render(Random r) {
      return "@" + kind.annotation;
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      switch (kind) {
        case SOFTMAX:
          if (!in.flat()) {
            throw Fail.of("needs-flat", at, "softmax on " + in);
          }
          return in;
        case FLATTEN:
          return Shapes.fits(Shape.flat(in.size()));
        case GAP:
          Shapes.spatial(in, at, "global average pooling");
          return Shape.flat(in.c());
        default:
          return in;
      }
    }

    @Override
    public String badNumbers() {
      return null;
    }

    @Override
    public String word() {
      return kind == Kind.FLATTEN
          ? "flat"
          : kind == Kind.GAP
              ? "gap"
              : kind == Kind.CONCAT ? "cat" : kind == Kind.ADD ? "sum" : "act";
    }
  }

  /** {@code @Dense}. */
  record Dense(int units, Integer inFeatures, Boolean bias, String init) implements Layer {
    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      a.add("value = " + units);
      Renderer.opt(a, "inFeatures", inFeatures);
      Renderer.opt(a, "bias", bias);
      if (init != null) {
        a.add("init = Init." + init);
      }
      return a.size() == 1 ? "@Dense(" + units + ")" : Renderer.annotation("Dense", a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      Shapes.fits(Shape.flat(in.size())); // it flattens its input first
      if (inFeatures != null && inFeatures != in.size()) {
        throw Fail.of("dense-input", at, "inFeatures " + inFeatures + " vs " + in);
      }
      return Shapes.fits(Shape.flat(units));
    }

    @Override
    public String badNumbers() {
      return units <= 0 || (inFeatures != null && inFeatures <= 0) ? "non-positive" : null;
    }

    @Override
    public String word() {
      return "fc";
    }
  }

  /** {@code @BatchNorm}; doubles are rendered as written Java expressions by {@link #lit}. */
  record BatchNorm(Double momentum, Double eps, Boolean affine) implements Layer {
    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      Renderer.optReal(a, "momentum", momentum);
      Renderer.optReal(a, "eps", eps);
      Renderer.opt(a, "affine", affine);
      return a.isEmpty() ? "@BatchNorm" : Renderer.annotation("BatchNorm", a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) {
      return in;
    }

    @Override
    public String badNumbers() {
      double m = momentum == null ? 0.1 : momentum;
      double e = eps == null ? 1e-5 : eps;
      // An infinite eps is no more a number to add than LRN's infinite bias, which is refused.
      return m > 0 && m <= 1 && e > 0 && Double.isFinite(e) ? null : "out-of-range";
    }

    @Override
    public String word() {
      return "norm";
    }
  }

  /** {@code @GroupNorm}; groups is required. */
  record GroupNorm(int groups, Double eps, Boolean affine) implements Layer {
    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      a.add("groups = " + groups);
      Renderer.optReal(a, "eps", eps);
      Renderer.opt(a, "affine", affine);
      return Renderer.annotation("GroupNorm", a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      Shapes.groups(in, groups, at, "group norm"); // a flat [F] is F channels
      return in;
    }

    @Override
    public String badNumbers() {
      double e = eps == null ? 1e-5 : eps;
      return groups <= 0 ? "non-positive" : e > 0 && Double.isFinite(e) ? null : "out-of-range";
    }

    @Override
    public String word() {
      return "norm";
    }
  }

  /** {@code @Lrn}. */
  record Lrn(Integer depthRadius, Double bias, Double alpha, Double beta) implements Layer {
    @Override
    public String render(Random r) {
      List<String> a = new ArrayList<>();
      Renderer.opt(a, "depthRadius", depthRadius);
      Renderer.optReal(a, "bias", bias);
      Renderer.optReal(a, "alpha", alpha);
      Renderer.optReal(a, "beta", beta);
      return a.isEmpty() ? "@Lrn" : Renderer.annotation("Lrn", a, r);
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) throws Fail {
      Shapes.spatial(in, at, "LRN");
      return in;
    }

    @Override
    public String badNumbers() {
      if (depthRadius != null && depthRadius < 0) {
        return "out-of-range";
      }
      for (Double x : new Double[] {bias, alpha, beta}) {
        if (x != null && !(x > 0 && Double.isFinite(x))) {
          return "out-of-range";
        }
      }
      return null;
    }

    @Override
    public String word() {
      return "lrn";
    }
  }

  /** {@code @Dropout}. */
  record Dropout(double p) implements Layer {
    @Override
    public String render(Random r) {
      return "@Dropout(" + lit(p) + ")";
    }

    @Override
    public Shape shape(Shape in, Loc at, String node) {
      return in;
    }

    @Override
    public String badNumbers() {
      return p >= 0 && p < 1 ? null : "out-of-range";
    }

    @Override
    public String word() {
      return "drop";
    }
  }

  /** Explicit padding's rules: not negative, not beside SAME, at most half a pooling window. */
  private static String paddingFault(String padding, Integer pad, int poolWindow) {
    if (pad == null) {
      return null;
    }
    if (pad < 0) {
      return "non-positive";
    }
    if ("SAME".equals(padding)) {
      return "padding-conflict";
    }
    return poolWindow > 0 && pad > poolWindow / 2 ? "pad-too-large" : null;
  }

  /** A built-in block annotation. */
  sealed interface Builtin permits Vgg, Naive, Inception, InceptionA, Residual {}

  record Vgg(int convs, int filters) implements Builtin {}

  record Naive(int c1, int c3, int c5) implements Builtin {}

  record Inception(int c1, int r3, int c3, int r5, int c5, int pp) implements Builtin {}

  /** Null widths take the annotation's defaults (16, 16, 24, 16, 24, 24). */
  record InceptionA(Integer c1, Integer r5, Integer c5, Integer r3, Integer c3, Integer pp)
      implements Builtin {}

  record Residual(
      int filters,
      Integer stride,
      String projection,
      String variant,
      Integer expansion,
      Boolean batchNorm)
      implements Builtin {}

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

  /**
   * The annotation a layer is written with: each may appear once on a node (none is repeatable).
   */
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
