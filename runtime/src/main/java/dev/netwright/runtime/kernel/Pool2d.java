package dev.netwright.runtime.kernel;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max or average pooling of an NCHW batch, channel by channel: forward and backward. */
public final class Pool2d extends Kernel {
  private static final long NCHW = 0;
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final String name;
  private final String op;
  private final INDArray y;
  private final INDArray x;
  private final long[] args;
  private final PreparedOp forward;
  // Null until withGradients; the op keeps its native context reachable.
  private PreparedOp backward;

  private Pool2d(String name, String op, INDArray y, INDArray x, Window window, long extra) {
    super(name, "dx", "dy");
    Objects.requireNonNull(window, name + ": window must not be null");
    Checks.rank(name, "x", x, 4, "[N, C, H, W]");
    long oH = window.outH(x.size(2));
    long oW = window.outW(x.size(3));
    if (oH < 1 || oW < 1) {
      throw new IllegalArgumentException(
          name
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
        name,
        "y",
        y,
        new long[] {x.size(0), x.size(1), oH, oW},
        "for x " + Arrays.toString(x.shape()) + " and a " + window.describe() + " window");
    Checks.sameFloatType(name, new String[] {"x", "y"}, x, y);
    this.name = name;
    this.op = op;
    this.y = y;
    this.x = x;
    long pH = window.same() ? 0 : window.pH();
    long pW = window.same() ? 0 : window.pW();
    this.args =
        new long[] {
          window.kH(),
          window.kW(),
          window.sH(),
          window.sW(),
          pH,
          pW,
          1,
          1,
          window.mode(),
          extra,
          NCHW
        };
    this.forward =
        PreparedOp.custom(name, op, new INDArray[] {x}, new INDArray[] {y}, args, NO_T, NO_B);
  }

  /** Max pooling; padded positions never win (as in PyTorch and TensorFlow). */
  public static Pool2d max(INDArray y, INDArray x, Window window) {
    return new Pool2d("MaxPool2d", "maxpool2d", y, x, window, 0);
  }

  /**
   * Average pooling. includePadding: PyTorch's count_include_pad (true is PyTorch's default for
   * explicit padding); TensorFlow SAME excludes it.
   */
  public static Pool2d avg(INDArray y, INDArray x, Window window, boolean includePadding) {
    // Integer argument 9 is the divisor mode; AvgPooling2D's config would silently drop it.
    return new Pool2d("AvgPool2d", "avgpool2d", y, x, window, includePadding ? 1 : 0);
  }

  /** Computes y from x into the y given at construction. */
  public void forward() {
    forward.exec();
  }

  /** Enables backward: dx[N,C,H,W] receives the gradient for dy[N,C,oH,oW]. Returns this. */
  public Pool2d withGradients(INDArray dx, INDArray dy) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(name, "dx", dx, x.shape(), "(the shape of x)");
    Checks.shape(name, "dy", dy, y.shape(), "(the shape of y)");
    Checks.sameFloatType(name, new String[] {"x", "dx", "dy"}, x, dx, dy);
    backward =
        PreparedOp.custom(
            name, op + "_bp", new INDArray[] {x, dy}, new INDArray[] {dx}, args, NO_T, NO_B);
    return this;
  }

  /** Computes dx from x and dy, overwriting dx. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients();
    }
    backward.exec();
  }
}
