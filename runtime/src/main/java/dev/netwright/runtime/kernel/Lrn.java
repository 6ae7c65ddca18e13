package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Local response normalization across channels (AlexNet/GoogLeNet, TensorFlow's tf.nn.lrn
 * semantics): y = x / (bias + alpha · Σ_{c' in [c-depth, c+depth]} x_{c'}²)^beta.
 *
 * <p>alpha is not divided by the window size, unlike PyTorch's LocalResponseNorm: PyTorch's (size,
 * alpha) is (2·depth + 1, alpha·(2·depth + 1)) here.
 */
public final class Lrn extends Kernel {
  private static final String NAME = "Lrn";
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};
  private static final long NCHW = 0;
  private static final long OIHW = 1;

  private final INDArray y;
  private final INDArray x;
  private final double alpha;
  private final double beta;
  private final long[] window; // conv2d arguments of the channel-window sum
  // Kept from forward for backward: d = bias + alpha·Σx² and p = d^-beta, the shape of x; sq is
  // scratch, x² in forward and dy·y/d in backward.
  private final INDArray d;
  private final INDArray p;
  private final INDArray sq;
  private final PreparedOp[] forward;
  // Null until withGradients; the ops keep their native contexts reachable.
  private PreparedOp[] backward;

  /** x, y [N, C, H, W]; depthRadius at least 0; y must not be x (backward needs both). */
  public Lrn(INDArray y, INDArray x, int depthRadius, double bias, double alpha, double beta) {
    super(NAME, "dx", "dy");
    Checks.rank(NAME, "x", x, 4, "[N, C, H, W]");
    Checks.shape(NAME, "y", y, x.shape(), "(the shape of x)");
    Checks.sameFloatType(NAME, new String[] {"x", "y"}, x, y);
    if (y == x) {
      throw new IllegalArgumentException(
          NAME + ": y must be a different array from x (backward" + " needs both)");
    }
    if (depthRadius < 0) {
      throw new IllegalArgumentException(
          NAME + ": depthRadius must not be negative, got " + depthRadius);
    }
    if (!Double.isFinite(bias) || !Double.isFinite(alpha) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException(
          NAME + ": bias, alpha and beta must be finite, got " + bias + ", " + alpha + ", " + beta);
    }
    this.y = y;
    this.x = x;
    this.alpha = alpha;
    this.beta = beta;
    this.window = new long[] {2L * depthRadius + 1, 1, 1, 1, depthRadius, 0, 1, 1, 0, NCHW, OIHW};
    this.d = Nd4j.create(x.dataType(), x.shape());
    this.p = Nd4j.create(x.dataType(), x.shape());
    this.sq = Nd4j.create(x.dataType(), x.shape());
    // The channel-window sum is a one-channel convolution of x² viewed as [N, 1, C, H·W] with a
    // (2·depth+1)x1 kernel of alphas and the bias: d in one op. avgpool2d with the same window
    // measured 8x slower, adds of channel-shifted views 5x slower. Pow is half the forward's time;
    // ND4J's own lrn op (oneDNN in FLOAT) is about 3.5x faster but keeps neither d nor p.
    INDArray weights = Nd4j.valueArrayOf(new long[] {1, 1, window[0], 1}, alpha, x.dataType());
    INDArray biasArray = Nd4j.valueArrayOf(new long[] {1}, bias, x.dataType());
    this.forward =
        new PreparedOp[] {
          binary("multiply", x, x, sq),
          PreparedOp.custom(
              NAME,
              "conv2d",
              new INDArray[] {planes(sq), weights, biasArray},
              new INDArray[] {planes(d)},
              window,
              NO_T,
              NO_B),
          binary("Pow", d, Nd4j.scalar(x.dataType(), -beta), p),
          binary("multiply", x, p, y)
        };
  }

  /** Computes y from x into the y given at construction, keeping what backward needs. */
  public void forward() {
    for (PreparedOp op : forward) {
      op.exec();
    }
  }

  /**
   * Enables backward: dx[N,C,H,W] receives the gradient for dy (dx must not be dy). Returns this.
   */
  public Lrn withGradients(INDArray dx, INDArray dy) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dx", dx, x.shape(), "(the shape of x)");
    Checks.shape(NAME, "dy", dy, x.shape(), "(the shape of y)");
    Checks.sameFloatType(NAME, new String[] {"x", "dx", "dy"}, x, dx, dy);
    if (dx == dy) {
      throw new IllegalArgumentException(NAME + ": dx must be a different array from dy");
    }
    // dx_k = dy_k·p_k - 2·alpha·beta·x_k·Σ_{c in window(k)} dy_c·y_c/d_c: the same window sum,
    // with weights -2·alpha·beta. Its output goes into dx when dx reshapes as a view (the usual
    // case), else into a buffer allocated once, here.
    INDArray weights =
        Nd4j.valueArrayOf(new long[] {1, 1, window[0], 1}, -2 * alpha * beta, x.dataType());
    INDArray u = planes(dx);
    INDArray sum = u != null ? dx : Nd4j.create(x.dataType(), x.shape());
    backward =
        new PreparedOp[] {
          binary("multiply", dy, y, sq),
          binary("divide", sq, d, sq),
          PreparedOp.custom(
              NAME,
              "conv2d",
              new INDArray[] {planes(sq), weights},
              new INDArray[] {planes(sum)},
              window,
              NO_T,
              NO_B),
          binary("multiply", sum, x, sum),
          binary("multiply", dy, p, sq),
          binary("add", sum, sq, dx)
        };
    return this;
  }

  /** Computes dx from x, y and dy, overwriting dx. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients();
    }
    for (PreparedOp op : backward) {
      op.exec();
    }
  }

  // a [N, C, H, W] viewed as N one-channel images of C x H·W, or null if that would copy.
  private static INDArray planes(INDArray a) {
    if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
      return null;
    }
    INDArray view = a.reshape('c', a.size(0), 1, a.size(1), a.size(2) * a.size(3));
    return view.data().address() == a.data().address() ? view : null;
  }

  private static PreparedOp binary(String op, INDArray a, INDArray b, INDArray out) {
    return PreparedOp.custom(
        NAME, op, new INDArray[] {a, b}, new INDArray[] {out}, NO_I, NO_T, NO_B);
  }
}
