package dev.netwright.runtime.kernel;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two-dimensional convolution of an NCHW batch with PyTorch-layout weights: forward and backward.
 */
public final class Conv2d extends Kernel {
  private static final String NAME = "Conv2d";
  private static final long NCHW = 0;
  private static final long OIHW = 1;
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  /**
   * Multiply-adds up to which a 1x1 convolution runs on libnd4j's own conv2d (a matrix product)
   * rather than oneDNN, whose fixed cost per call dominates there. Measured on one thread, batch 1:
   * 20->16 channels on 4x4, 18 µs against 8; 10->24 on 12x12 (35k), 48 against 29; from about 90k
   * (10->16 on 12x12 at batch 4, 25 against 62) oneDNN wins.
   */
  static final long SMALL_POINTWISE = 40_000;

  /**
   * Multiply-adds up to which a FLOAT convolution of one image runs as a patch matrix gathered in
   * Java times the weights ({@link SingleImageConv}). Measured on one thread against oneDNN: 1->10
   * 5x5 on 28x28 (144k), 16 against 32 µs; 24->24 3x3 on 12x12 (746k), 37 against 45; 16->24 5x5 on
   * 12x12 (1.4M), 63 against 56; 88->20 5x5 on 12x12 (2.8M), 184 against 135.
   */
  static final long SINGLE_IMAGE = 1_000_000;

  private final INDArray y;
  private final INDArray x;
  private final INDArray w;
  private final INDArray b;
  private final Window window;
  private final SingleImageConv single;
  private final boolean oneDnn;
  // Null unless groups > 1.
  private final GroupedConv grouped;
  // Null when single or grouped runs forward.
  private final PreparedOp forward;
  // Null until withGradients; the ops inside keep their native contexts reachable.
  private PreparedOp[] backward;

  /**
   * y[N,O,oH,oW] = conv(x[N,C,H,W], w[O,C,kH,kW]) + b[O]; b may be null (no bias). Weight layout is
   * PyTorch's [out,in,kH,kW] (ND4J wFormat 1).
   */
  public Conv2d(INDArray y, INDArray x, INDArray w, INDArray b, Window window) {
    this(y, x, w, b, window, 1);
  }

  /**
   * As the five-argument constructor, in {@code groups} groups (PyTorch's {@code groups=}): the
   * channels of x and of y are split into that many consecutive groups, and output group g is the
   * convolution of input group g with w's rows of group g, so w is [O, C/groups, kH, kW]. groups
   * must divide C and O; 1 is an ordinary convolution.
   */
  public Conv2d(INDArray y, INDArray x, INDArray w, INDArray b, Window window, int groups) {
    super(NAME, "dx", "dw", "db", "dy");
    Objects.requireNonNull(window, NAME + ": window must not be null");
    Checks.rank(NAME, "x", x, 4, "[N, C, H, W]");
    Checks.rank(NAME, "w", w, 4, groups == 1 ? "[O, C, kH, kW]" : "[O, C/groups, kH, kW]");
    long n = x.size(0);
    long c = x.size(1);
    long o = w.size(0);
    if (groups < 1 || c % groups != 0 || o % groups != 0) {
      throw new IllegalArgumentException(
          NAME
              + ": groups must be positive and divide both the "
              + c
              + " channels of x "
              + Arrays.toString(x.shape())
              + " and the "
              + o
              + " rows of w "
              + Arrays.toString(w.shape())
              + ", got "
              + groups);
    }
    String given =
        "for x " + Arrays.toString(x.shape()) + " and a " + window.describe() + " window";
    Checks.shape(
        NAME,
        "w",
        w,
        new long[] {o, c / groups, window.kH(), window.kW()},
        groups == 1
            ? "(PyTorch layout [out, in, kH, kW]) " + given
            : "(PyTorch layout [out, in / groups, kH, kW], " + groups + " groups) " + given);
    if (b != null) {
      Checks.shape(NAME, "b", b, new long[] {o}, "(one bias per output channel of w)");
    }
    long oH = window.outH(x.size(2));
    long oW = window.outW(x.size(3));
    if (oH < 1 || oW < 1) {
      throw new IllegalArgumentException(
          NAME
              + ": a "
              + window.describe()
              + " window does not fit"
              + " into x "
              + Arrays.toString(x.shape())
              + " (output would be "
              + oH
              + "x"
              + oW
              + ")");
    }
    Checks.shape(
        NAME, "y", y, new long[] {n, o, oH, oW}, given + " and w " + Arrays.toString(w.shape()));
    Checks.sameFloatType(NAME, new String[] {"x", "y", "w", "b"}, x, y, w, b);
    this.y = y;
    this.x = x;
    this.w = w;
    this.b = b;
    this.window = window;
    if (groups > 1) {
      this.grouped = GroupedConv.of(y, x, w, b, window, groups);
      this.single = null;
      this.oneDnn = false;
      this.forward = null;
      return;
    }
    this.grouped = null;
    INDArray[] in = b == null ? new INDArray[] {x, w} : new INDArray[] {x, w, b};
    long multiplyAdds = n * o * c * window.kH() * window.kW() * oH * oW;
    this.single =
        n == 1 && multiplyAdds <= SINGLE_IMAGE ? SingleImageConv.of(y, x, w, b, window) : null;
    this.oneDnn = single == null && !smallPointwise(multiplyAdds);
    this.forward =
        single != null
            ? null
            : oneDnn
                ? PreparedOp.custom(NAME, "conv2d", in, new INDArray[] {y}, convArgs(), NO_T, NO_B)
                : PreparedOp.customWithoutHelpers(
                    NAME, "conv2d", in, new INDArray[] {y}, convArgs(), NO_T, NO_B);
  }

  // A 1x1, stride 1, unpadded convolution (SAME pads a 1x1 window by nothing) of at most
  // SMALL_POINTWISE multiply-adds.
  private boolean smallPointwise(long multiplyAdds) {
    return window.kH() == 1
        && window.kW() == 1
        && window.sH() == 1
        && window.sW() == 1
        && window.pH() == 0
        && window.pW() == 0
        && multiplyAdds <= SMALL_POINTWISE;
  }

  /**
   * How forward runs: "single image" (SingleImageConv), "libnd4j" (a small 1x1 convolution, see
   * SMALL_POINTWISE), "oneDNN", or for groups > 1 "grouped, diagonal" or "grouped, per group" (see
   * GroupedConv).
   */
  String forwardPath() {
    if (grouped != null) {
      return "grouped, " + grouped.path();
    }
    return single != null ? "single image" : oneDnn ? "oneDNN" : "libnd4j";
  }

  /** Computes y from x, w and b into the y given to the constructor. */
  public void forward() {
    if (single != null) {
      single.forward();
    } else if (forward != null) {
      forward.exec();
    } else {
      grouped.forward();
    }
  }

  /**
   * Enables backward. dx may be null: the input gradient is then skipped (the first layer, where
   * nothing upstream learns) and dw is computed as a correlation of x with dy where the window
   * allows it, instead of conv2d_bp, which always computes dx too (computing that dx cost 47% of
   * SimpleNet's training throughput and 34% of the lecture ResNet's, at batch 64 on two cores). db
   * must be null iff b is null. Returns this.
   */
  public Conv2d withGradients(INDArray dx, INDArray dw, INDArray db, INDArray dy) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dy", dy, y.shape(), "(the shape of y)");
    Checks.shape(NAME, "dw", dw, w.shape(), "(the shape of w)");
    if ((db == null) != (b == null)) {
      throw new IllegalArgumentException(
          NAME
              + ": db must be given exactly when the bias b is, but b"
              + (b == null ? " is null and db is not" : " is given and db is null"));
    }
    if (db != null) {
      Checks.shape(NAME, "db", db, b.shape(), "(the shape of b)");
    }
    if (dx != null) {
      Checks.shape(NAME, "dx", dx, x.shape(), "(the shape of x)");
    }
    Checks.sameFloatType(NAME, new String[] {"x", "dx", "dw", "db", "dy"}, x, dx, dw, db, dy);
    if (grouped != null) {
      grouped.withGradients(dx, dw, db, dy);
      backward = new PreparedOp[0];
    } else if (dx != null) {
      backward = new PreparedOp[] {convBackprop(dx, dw, db, dy)};
    } else if (correlationFits()) {
      backward = weightGradientByCorrelation(dw, db, dy);
    } else {
      // dx is computed anyway, into a buffer nobody reads; allocated once, here.
      backward = new PreparedOp[] {convBackprop(Nd4j.create(x.dataType(), x.shape()), dw, db, dy)};
    }
    return this;
  }

  /** Computes dw, db and (if given) dx from dy, overwriting them. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients();
    }
    if (grouped != null) {
      grouped.backward();
      return;
    }
    for (PreparedOp op : backward) {
      op.exec();
    }
  }

  private PreparedOp convBackprop(INDArray dx, INDArray dw, INDArray db, INDArray dy) {
    INDArray[] in = b == null ? new INDArray[] {x, w, dy} : new INDArray[] {x, w, b, dy};
    INDArray[] out = db == null ? new INDArray[] {dx, dw} : new INDArray[] {dx, dw, db};
    return PreparedOp.custom(NAME, "conv2d_bp", in, out, convArgs(), NO_T, NO_B);
  }

  /**
   * The correlation form needs stride 1 (oneDNN rejects the dilated convolution a larger stride
   * would need, and conv2d_bp measured faster than ND4J's generic dilated conv) and equal padding
   * on both sides (conv2d cannot pad asymmetrically in explicit mode).
   */
  private boolean correlationFits() {
    long h = x.size(2);
    long wd = x.size(3);
    return window.sH() == 1
        && window.sW() == 1
        && window.padTop(h) == window.padBottom(h)
        && window.padLeft(wd) == window.padRight(wd);
  }

  /**
   * dw[o,c,i,j] = sum over n,p,q of dy[n,o,p,q] * xpad[n,c,p+i,q+j]: a convolution of x viewed as a
   * batch of C images with N channels by dy viewed as O filters of N channels and size oH x oW. Its
   * output [C,O,kH,kW] is dw permuted, so it is written straight into a permuted view of dw.
   */
  private PreparedOp[] weightGradientByCorrelation(INDArray dw, INDArray db, INDArray dy) {
    long[] args = {
      y.size(2),
      y.size(3),
      1,
      1,
      window.padTop(x.size(2)),
      window.padLeft(x.size(3)),
      1,
      1,
      0,
      NCHW,
      OIHW
    };
    PreparedOp weights =
        PreparedOp.custom(
            NAME,
            "conv2d",
            new INDArray[] {x.permute(1, 0, 2, 3), dy.permute(1, 0, 2, 3)},
            new INDArray[] {dw.permute(1, 0, 2, 3)},
            args,
            NO_T,
            NO_B);
    if (db == null) {
      return new PreparedOp[] {weights};
    }
    PreparedOp[] bias = biasGradientByMatmul(db, dy);
    if (bias == null) {
      bias =
          new PreparedOp[] {
            PreparedOp.custom(
                NAME,
                "reduce_sum",
                new INDArray[] {dy},
                new INDArray[] {db},
                new long[] {0, 2, 3},
                NO_T,
                NO_B)
          };
    }
    PreparedOp[] ops = new PreparedOp[1 + bias.length];
    ops[0] = weights;
    System.arraycopy(bias, 0, ops, 1, bias.length);
    return ops;
  }

  /**
   * db[o] = sum of dy[n,o,p] over n and p as ones[1,N]·dy[N,O·P], then that [O,P]·ones[P,1]: 4-7x
   * faster than reduce_sum over axes 0,2,3 at batch 64. Needs dy and db to reshape as views (a
   * channel slice of a larger buffer would reshape into a silent copy); null otherwise.
   */
  private PreparedOp[] biasGradientByMatmul(INDArray db, INDArray dy) {
    long n = dy.size(0);
    long o = dy.size(1);
    long p = dy.size(2) * dy.size(3);
    INDArray rows = Checks.reshapedView(dy, n, o * p);
    INDArray column = Checks.reshapedView(db, o, 1);
    if (rows == null || column == null) {
      return null;
    }
    INDArray partial = Nd4j.create(dy.dataType(), 1, o * p);
    double[] overwrite = {1.0, 0.0};
    return new PreparedOp[] {
      PreparedOp.custom(
          NAME,
          "matmul",
          new INDArray[] {Nd4j.ones(dy.dataType(), 1, n), rows},
          new INDArray[] {partial},
          new long[] {0, 0, 0},
          overwrite,
          NO_B),
      PreparedOp.custom(
          NAME,
          "matmul",
          new INDArray[] {partial.reshape(o, p), Nd4j.ones(dy.dataType(), p, 1)},
          new INDArray[] {column},
          new long[] {0, 0, 0},
          overwrite,
          NO_B)
    };
  }

  // ND4J conv2d integer arguments; explicit padding is ignored in SAME mode, so pass 0 there.
  private long[] convArgs() {
    long pH = window.same() ? 0 : window.pH();
    long pW = window.same() ? 0 : window.pW();
    return new long[] {
      window.kH(), window.kW(), window.sH(), window.sW(), pH, pW, 1, 1, window.mode(), NCHW, OIHW
    };
  }
}
