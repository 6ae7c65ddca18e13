package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Fully connected layer with PyTorch-layout weights: forward and backward. */
public final class Dense extends Kernel {
  private static final String NAME = "Dense";
  private static final double[] OVERWRITE = {1.0, 0.0}; // matmul alpha, beta: c = a.b
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final INDArray y;
  private final INDArray x;
  private final INDArray w;
  private final INDArray b;
  private final PreparedOp[] forward;
  // Null until withGradients; the ops keep their native contexts reachable.
  private PreparedOp[] backward;

  /**
   * y[N,U] = x[N,F] · w[U,F]ᵀ + b[U] (PyTorch Linear layout); b may be null. x may be a reshape
   * view [N, C*H*W] of a contiguous 4-D buffer.
   */
  public Dense(INDArray y, INDArray x, INDArray w, INDArray b) {
    super(NAME, "dx", "dw", "db", "dy");
    Checks.rank(NAME, "x", x, 2, "[N, F] (reshape a 4-D activation to [N, C*H*W] first)");
    Checks.rank(NAME, "w", w, 2, "[U, F]");
    long u = w.size(0);
    Checks.shape(
        NAME,
        "w",
        w,
        new long[] {u, x.size(1)},
        "(PyTorch layout [units, features]) for x " + Arrays.toString(x.shape()));
    if (b != null) {
      Checks.shape(NAME, "b", b, new long[] {u}, "(one bias per unit, the rows of w)");
    }
    Checks.shape(
        NAME,
        "y",
        y,
        new long[] {x.size(0), u},
        "for x " + Arrays.toString(x.shape()) + " and w " + Arrays.toString(w.shape()));
    Checks.sameFloatType(NAME, new String[] {"x", "y", "w", "b"}, x, y, w, b);
    this.y = y;
    this.x = x;
    this.w = w;
    this.b = b;
    // matmul and biasadd through prepared contexts allocate nothing; Nd4j.gemm allocated about
    // 4 KB per call and addiRowVector about 8 KB.
    PreparedOp product = matmul(x, w, y, false, true);
    this.forward =
        b == null
            ? new PreparedOp[] {product}
            : new PreparedOp[] {
              product,
              PreparedOp.custom(
                  NAME,
                  "biasadd",
                  new INDArray[] {y, b},
                  new INDArray[] {y},
                  NO_I,
                  NO_T,
                  new boolean[] {false})
            };
  }

  /** Computes y from x, w and b into the y given at construction. */
  public void forward() {
    for (PreparedOp op : forward) {
      op.exec();
    }
  }

  /** Enables backward. dx may be null (skip). db must be null iff b is null. Returns this. */
  public Dense withGradients(INDArray dx, INDArray dw, INDArray db, INDArray dy) {
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
    PreparedOp[] ops = new PreparedOp[3];
    int count = 0;
    ops[count++] = matmul(dy, x, dw, true, false); // dw[U,F] = dyᵀ · x
    if (dx != null) {
      ops[count++] = matmul(dy, w, dx, false, false); // dx[N,F] = dy · w
    }
    if (db != null) {
      ops[count++] =
          PreparedOp.custom(
              NAME,
              "reduce_sum",
              new INDArray[] {dy},
              new INDArray[] {db},
              new long[] {0},
              NO_T,
              NO_B);
    }
    backward = Arrays.copyOf(ops, count);
    return this;
  }

  /** Computes dw, db and (if given) dx from x, w and dy, overwriting them. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients();
    }
    for (PreparedOp op : backward) {
      op.exec();
    }
  }

  private static PreparedOp matmul(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
    return PreparedOp.custom(
        NAME,
        "matmul",
        new INDArray[] {a, b},
        new INDArray[] {c},
        new long[] {ta ? 1 : 0, tb ? 1 : 0, 0},
        OVERWRITE,
        NO_B);
  }
}
