package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Kind;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Ast.Simple;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random layers with every number chosen to fit the shape at hand: kernels within the (padded)
 * input, FLOOR where a stride would not tile, attributes now written, now left to their defaults.
 */
final class LayerDraws {
  private final Random r;

  LayerDraws(Random r) {
    this.r = r;
  }

  /** A layer that fits the feature map {@code in}: mostly convolution and pooling. */
  Layer spatial(Shape in) {
    boolean big = in.size() > 3000;
    int k = r.nextInt(100);
    if (big && k < 50) {
      return r.nextBoolean() ? pool(in) : gapOrDense(in);
    }
    if (k < 35) {
      return conv(in);
    }
    if (k < 50) {
      return pool(in);
    }
    if (k < 65) {
      return activation();
    }
    if (k < 69) {
      return batchNorm();
    }
    if (k < 72) {
      return groupNorm(in);
    }
    if (k < 76) {
      return lrn();
    }
    if (k < 80) {
      return dropout();
    }
    if (k < 86) {
      return new Simple(r.nextBoolean() ? Kind.GAP : Kind.FLATTEN);
    }
    return dense(in);
  }

  private Layer gapOrDense(Shape in) {
    return r.nextBoolean() ? new Simple(Kind.GAP) : dense(in);
  }

  /** A layer that fits the flat {@code in}: mostly dense. */
  Layer flat(Shape in) {
    int k = r.nextInt(100);
    if (k < 45) {
      return dense(in);
    }
    if (k < 70) {
      return activation();
    }
    if (k < 76) {
      return batchNorm();
    }
    if (k < 80) {
      return groupNorm(in);
    }
    if (k < 88) {
      return dropout();
    }
    if (k < 95) {
      return new Simple(Kind.SOFTMAX);
    }
    return new Simple(Kind.FLATTEN);
  }

  Layer activation() {
    Kind[] kinds = {Kind.RELU, Kind.RELU, Kind.SIGMOID, Kind.TANH};
    return new Simple(kinds[r.nextInt(kinds.length)]);
  }

  Layer batchNorm() {
    Double momentum = r.nextInt(3) == 0 ? new double[] {0.1, 0.5, 1.0, 0.01}[r.nextInt(4)] : null;
    Double eps = r.nextInt(3) == 0 ? new double[] {1e-3, 1e-5, 0.1}[r.nextInt(3)] : null;
    Boolean affine = r.nextInt(4) == 0 ? r.nextBoolean() : null;
    return new Ast.BatchNorm(momentum, eps, affine);
  }

  /** Group norm with a group count that divides {@code in}'s channels (a flat [F]'s F). */
  Layer groupNorm(Shape in) {
    Double eps = r.nextInt(4) == 0 ? new double[] {1e-3, 1e-5, 0.1}[r.nextInt(3)] : null;
    Boolean affine = r.nextInt(4) == 0 ? r.nextBoolean() : null;
    return new Ast.GroupNorm(divisor(in.c()), eps, affine);
  }

  /**
   * A divisor of {@code n} of at most 64: 1 and n itself (depthwise) among them when n is small.
   */
  private int divisor(long n) {
    List<Integer> divisors = new ArrayList<>();
    for (int d = 1; d <= Math.min(n, 64); d++) {
      if (n % d == 0) {
        divisors.add(d);
      }
    }
    return divisors.get(r.nextInt(divisors.size()));
  }

  private Layer lrn() {
    return new Ast.Lrn(
        r.nextBoolean() ? r.nextInt(4) : null,
        r.nextBoolean() ? 1.0 + r.nextInt(2) : null,
        r.nextBoolean() ? 1e-3 : null,
        r.nextBoolean() ? new double[] {0.5, 0.75, 1.0}[r.nextInt(3)] : null);
  }

  private Layer dropout() {
    return new Ast.Dropout(new double[] {0.0, 0.1, 0.25, 0.5, 0.8}[r.nextInt(5)]);
  }

  Layer dense(Shape in) {
    int units = 1 + r.nextInt(r.nextInt(4) == 0 ? 32 : 12);
    Integer inFeatures = r.nextInt(3) == 0 ? (int) in.size() : null;
    Boolean bias = r.nextInt(5) == 0 ? r.nextBoolean() : null;
    return new Ast.Dense(units, inFeatures, bias, init());
  }

  String init() {
    return r.nextInt(6) == 0 ? Generator.INITS[r.nextInt(Generator.INITS.length)] : null;
  }

  private Layer conv(Shape in) {
    int filters = 1 + r.nextInt(r.nextInt(4) == 0 ? 12 : 6);
    // Now and then grouped (depthwise when the divisor is every channel): filters a multiple.
    int groups = in.c() > 1 && r.nextInt(4) == 0 ? divisor(in.c()) : 1;
    if (groups > 1) {
      filters = groups * (groups > 12 ? 1 : 1 + r.nextInt(3));
    }
    Integer writtenGroups = groups > 1 || r.nextInt(10) == 0 ? groups : null;
    int minHw = (int) Math.min(in.h(), in.w());
    int mode = r.nextInt(10);
    int stride = r.nextInt(10) < 6 ? 1 : 2 + r.nextInt(2);
    Integer pad = null;
    String padding = null;
    int kernel;
    if (mode < 4) {
      kernel = 1 + r.nextInt(Math.min(5, minHw));
      padding = r.nextInt(5) == 0 ? "VALID" : null;
    } else if (mode < 7) {
      kernel = 1 + r.nextInt(5);
      padding = "SAME";
    } else {
      pad = r.nextInt(4);
      kernel = 1 + r.nextInt(Math.min(5, minHw + 2 * pad));
      padding = r.nextInt(10) == 0 ? "VALID" : null;
    }
    String rounding = rounding(in, kernel, stride, padding, pad);
    Integer writtenStride = stride != 1 || r.nextInt(5) == 0 ? stride : null;
    Boolean bias = r.nextInt(4) == 0 ? Boolean.FALSE : r.nextInt(10) == 0 ? Boolean.TRUE : null;
    return new Ast.Conv(
        filters, kernel, writtenStride, padding, pad, bias, rounding, init(), writtenGroups);
  }

  private Layer pool(Shape in) {
    boolean max = r.nextBoolean();
    int minHw = (int) Math.min(in.h(), in.w());
    int mode = r.nextInt(10);
    Integer pad = null;
    String padding = null;
    int size;
    if (mode < 5) {
      size = 1 + r.nextInt(Math.min(3, minHw));
      padding = r.nextInt(6) == 0 ? "VALID" : null;
    } else if (mode < 7) {
      size = 1 + r.nextInt(3);
      padding = "SAME";
    } else {
      size = 1 + r.nextInt(3);
      pad = r.nextInt(size / 2 + 1);
      if (size > minHw + 2 * pad) {
        size = Math.min(size, minHw + 2 * pad);
        pad = Math.min(pad, size / 2);
      }
    }
    Integer stride = r.nextInt(10) < 6 ? null : 1 + r.nextInt(3);
    String rounding = rounding(in, size, stride == null ? size : stride, padding, pad);
    Boolean countPadding = !max && r.nextInt(3) == 0 ? r.nextBoolean() : null;
    return new Ast.Pool(max, size, stride, padding, pad, rounding, countPadding);
  }

  /** FLOOR when the window does not tile, otherwise now and then written anyway. */
  private String rounding(Shape in, int k, int s, String padding, Integer pad) {
    if ("SAME".equals(padding)) {
      return r.nextInt(8) == 0 ? "FLOOR" : null;
    }
    int p = pad == null ? 0 : pad;
    boolean exact = (in.h() + 2 * p - k) % s == 0 && (in.w() + 2 * p - k) % s == 0;
    if (!exact) {
      return "FLOOR";
    }
    int k2 = r.nextInt(10);
    return k2 == 0 ? "FLOOR" : k2 == 1 ? "EXACT" : null;
  }

  /** Layers that keep height and width; with {@code exact}, ending with {@code channels}. */
  List<Layer> sizeKeeping(Shape in, int channels, boolean exact) {
    List<Layer> layers = new ArrayList<>();
    boolean needConv = !exact || channels != in.c() || r.nextBoolean();
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(needConv ? 3 : 4);
      Layer l;
      if (k == 0) {
        int size = 2 + r.nextInt(2);
        boolean max = r.nextBoolean();
        l =
            r.nextBoolean()
                ? new Ast.Pool(max, size, 1, "SAME", null, null, null)
                : new Ast.Pool(
                    max, 3, 1, null, 1, null, !max && r.nextBoolean() ? Boolean.FALSE : null);
      } else if (k == 1) {
        l = activation();
      } else if (k == 2) {
        l = batchNorm();
      } else {
        l = keepingConv(exact ? channels : 1 + r.nextInt(6));
      }
      if (!Ast.has(layers, l)) {
        layers.add(l);
      }
    }
    if (needConv) {
      layers.add(keepingConv(channels));
    }
    Layer after = activation();
    if (r.nextInt(3) == 0 && !Ast.has(layers, after)) {
      layers.add(after);
    }
    return layers;
  }

  private Layer keepingConv(int filters) {
    if (r.nextBoolean()) {
      return new Ast.Conv(
          filters,
          1 + r.nextInt(5),
          r.nextInt(4) == 0 ? 1 : null,
          "SAME",
          null,
          null,
          null,
          init());
    }
    int k = 1 + 2 * r.nextInt(3);
    return new Ast.Conv(
        filters, k, null, null, k / 2, r.nextInt(4) == 0 ? false : null, null, init());
  }
}
