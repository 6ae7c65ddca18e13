package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Softmax over the last axis of [N, K] as a layer (not a head); y may equal x (in place). */
public final class Softmax extends Kernel {
  private static final String NAME = "Softmax";
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final INDArray y;
  private final PreparedOp forward;
  // Null until withGradients; the ops keep their native contexts reachable.
  private PreparedOp[] backward;

  /** y[n,k] = exp(x[n,k]) / Σ_j exp(x[n,j]); y may be the same array as x. */
  public Softmax(INDArray y, INDArray x) {
    super(NAME, "dx", "dy");
    Checks.rank(NAME, "x", x, 2, "[N, K] (softmax runs over the last axis)");
    Checks.shape(NAME, "y", y, x.shape(), "(the shape of x)");
    Checks.sameFloatType(NAME, new String[] {"x", "y"}, x, y);
    this.y = y;
    this.forward =
        PreparedOp.custom(
            NAME, "softmax", new INDArray[] {x}, new INDArray[] {y}, new long[] {1}, NO_T, NO_B);
  }

  /** Computes y from x into the y given at construction. */
  public void forward() {
    forward.exec();
  }

  /** Enables backward; dx may be the same array as dy (in place). Returns this. */
  public Softmax withGradients(INDArray dx, INDArray dy) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dx", dx, y.shape(), "(the shape of y)");
    Checks.shape(NAME, "dy", dy, y.shape(), "(the shape of y)");
    Checks.sameFloatType(NAME, new String[] {"y", "dx", "dy"}, y, dx, dy);
    // From y alone, so that y may be x (softmax_bp recomputes the softmax from x). Row sums of
    // dy·y as a matmul with a ones column; scratch buffers allocated once, here.
    long n = y.size(0);
    long k = y.size(1);
    INDArray product = Nd4j.create(y.dataType(), n, k);
    INDArray rowSums = Nd4j.create(y.dataType(), n, 1);
    backward =
        new PreparedOp[] {
          binary("multiply", dy, y, product),
          PreparedOp.custom(
              NAME,
              "matmul",
              new INDArray[] {product, Nd4j.ones(y.dataType(), k, 1)},
              new INDArray[] {rowSums},
              new long[] {0, 0, 0},
              new double[] {1.0, 0.0},
              NO_B),
          binary("subtract", dy, rowSums, product),
          binary("multiply", product, y, dx)
        };
    return this;
  }

  /** dx = y ⊙ (dy − Σ_k dy⊙y) row by row, overwriting dx. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients(y);
    }
    for (PreparedOp op : backward) {
      op.exec();
    }
  }

  private static PreparedOp binary(String op, INDArray a, INDArray b, INDArray out) {
    return PreparedOp.custom(
        NAME, op, new INDArray[] {a, b}, new INDArray[] {out}, NO_I, NO_T, NO_B);
  }
}
