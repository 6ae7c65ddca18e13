package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Builtin;
import dev.netwright.processor.fuzz.Ast.Kind;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Oracle.Expect;
import dev.netwright.processor.fuzz.Oracle.Loc;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fuzzer's own shape calculator: each layer and block as PyTorch and TensorFlow define it
 * (windows per axis, SAME as ceil(in / stride), EXACT or FLOOR tiling), written from the DSL's
 * documentation and none of the processor's code. Longs throughout, so that a shape past the int
 * range is seen rather than wrapped.
 */
final class Shapes {
  private Shapes() {}

  static final long MAX = Integer.MAX_VALUE;

  /** [C, H, W], or [F] when flat (F in c). */
  record Shape(long c, long h, long w, boolean flat) {
    static Shape map(long c, long h, long w) {
      return new Shape(c, h, w, false);
    }

    static Shape flat(long f) {
      return new Shape(f, 1, 1, true);
    }

    long size() {
      return c * h * w;
    }

    @Override
    public String toString() {
      return flat ? "[" + c + "]" : "[" + c + ", " + h + ", " + w + "]";
    }
  }

  /** Ends the resolution of a node with its root-cause error. */
  static final class Fail extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Expect expect;
    final boolean tooLarge;

    Fail(Expect expect, boolean tooLarge) {
      super(expect.why(), null, false, false);
      this.expect = expect;
      this.tooLarge = tooLarge;
    }

    static Fail of(String tag, Loc at, String why) {
      return new Fail(Expect.of(tag, at, true, why), false);
    }

    static Fail of(Set<String> tags, Loc at, String why) {
      return new Fail(new Expect(tags, Set.of(at), true, why), false);
    }

    static Fail tooLarge(String why) {
      return new Fail(new Expect(Set.of(), Set.of(), false, "too large: " + why), true);
    }
  }

  /**
   * The output of one layer on {@code in}, or a failure at {@code at}; used by the generator too.
   */
  static Shape layer(Layer layer, Shape in, Loc at, String node) throws Fail {
    return layer.shape(in, at, node);
  }

  /** PyTorch's rule for groups of channels: they must split the input's channels evenly. */
  static void groups(Shape in, int groups, Loc at, String what) throws Fail {
    if (groups > 0 && in.c() % groups != 0) {
      throw Fail.of("groups", at, what + " in " + groups + " groups on " + in);
    }
  }

  /** The output of a built-in block on {@code in}, placed nowhere; for the generator. */
  static Shape block(Builtin block, Shape in) throws Fail {
    return block(block, in, new Loc("?", "?"));
  }

  /** A layer that needs a feature map. */
  static void spatial(Shape in, Loc at, String what) throws Fail {
    if (in.flat()) {
      throw Fail.of("needs-spatial", at, what + " on the flat " + in);
    }
  }

  /** {out} of one axis: TensorFlow's SAME, or PyTorch's explicit padding with EXACT or FLOOR. */
  static long[] axis(
      long n, int k, int s, String padding, Integer pad, boolean floor, Loc at, String name)
      throws Fail {
    if ("SAME".equals(padding) && pad == null) {
      return new long[] {(n + s - 1) / s};
    }
    long p = pad == null ? 0 : pad;
    long padded = n + 2 * p;
    if (k > padded) {
      throw Fail.of("window-too-large", at, "window " + k + " over " + name + " " + padded);
    }
    if ((padded - k) % s != 0 && !floor) {
      throw Fail.of("inexact-output", at, name + " " + padded + " window " + k + " stride " + s);
    }
    return new long[] {(padded - k) / s + 1};
  }

  /**
   * {@code s}, or a failure when a dimension, or a flat vector's length, passes the int range the
   * generated code writes shapes in. (A [C, H, W] map of more than 2^31 scalars is not refused: its
   * dimensions are ints and ND4J indexes with longs; flattening it is refused.)
   */
  static Shape fits(Shape s) throws Fail {
    if (s.c() > MAX || s.h() > MAX || s.w() > MAX || (s.flat() && s.size() > MAX)) {
      throw Fail.tooLarge("activation " + s);
    }
    return s;
  }

  /** The output of a concat or add over {@code inputs}. */
  static Shape merge(Kind kind, List<String> inputs, Map<String, Shape> shapes, Loc at)
      throws Fail {
    Shape first = shapes.get(inputs.get(0));
    long channels = 0;
    for (String in : inputs) {
      Shape s = shapes.get(in);
      if (kind == Kind.CONCAT) {
        if (s.flat() || s.h() != first.h() || s.w() != first.w()) {
          throw Fail.of("concat-shape", at, "concat of " + first + " and " + s);
        }
        channels += s.c();
      } else if (!s.equals(first)) {
        throw Fail.of("add-shape", at, "add of " + first + " and " + s);
      }
    }
    return kind == Kind.CONCAT ? fits(Shape.map(channels, first.h(), first.w())) : first;
  }

  /** The output of a built-in block on {@code in}. */
  static Shape block(Builtin block, Shape in, Loc at) throws Fail {
    if (in.flat()) {
      throw Fail.of(
          block instanceof Ast.Residual
              ? Set.of("needs-spatial", "residual-shape")
              : Set.of("needs-spatial"),
          at,
          "block on the flat " + in);
    }
    if (block instanceof Ast.Vgg g) {
      if (in.h() < 2 || in.w() < 2) {
        throw Fail.of("window-too-large", at, "VGG pooling over " + in);
      }
      return fits(Shape.map(g.filters(), in.h() / 2, in.w() / 2));
    }
    if (block instanceof Ast.Naive g) {
      return fits(Shape.map((long) g.c1() + g.c3() + g.c5() + in.c(), in.h(), in.w()));
    }
    if (block instanceof Ast.Inception g) {
      return fits(Shape.map((long) g.c1() + g.c3() + g.c5() + g.pp(), in.h(), in.w()));
    }
    if (block instanceof Ast.InceptionA g) {
      return fits(
          Shape.map(
              (long) or(g.c1(), 16) + or(g.c5(), 24) + or(g.c3(), 24) + or(g.pp(), 24),
              in.h(),
              in.w()));
    }
    Ast.Residual r = (Ast.Residual) block;
    long out =
        "BOTTLENECK".equals(r.variant()) ? (long) r.filters() * or(r.expansion(), 4) : r.filters();
    int stride = or(r.stride(), 1);
    boolean differs = in.c() != out || stride != 1;
    if ("NEVER".equals(r.projection()) && differs) {
      throw Fail.of(
          "residual-shape", at, "residual NEVER from " + in + " to " + out + " stride " + stride);
    }
    return fits(Shape.map(out, (in.h() - 1) / stride + 1, (in.w() - 1) / stride + 1));
  }

  private static int or(Integer v, int otherwise) {
    return v == null ? otherwise : v;
  }
}
