package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Global average pooling: [N, C, H, W] → [N, C] (GoogLeNet's head). */
public final class GlobalAvgPool extends Kernel {
  private static final String NAME = "GlobalAvgPool";
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};
  private static final long[] PLAIN = {0, 0, 0};
  private static final double[] OVERWRITE = {1.0, 0.0}; // matmul alpha, beta: c = a.b

  private final INDArray x;
  private final INDArray y;
  private final long rows; // N·C
  private final long plane; // H·W
  private final PreparedOp forward;
  // Null until withGradients; the ops keep their native contexts reachable.
  private PreparedOp[] backward;

  /** y[N,C] = mean of x[N,C,H,W] over H and W. */
  public GlobalAvgPool(INDArray y, INDArray x) {
    super(NAME, "dx", "dy");
    Checks.rank(NAME, "x", x, 4, "[N, C, H, W]");
    Checks.shape(
        NAME,
        "y",
        y,
        new long[] {x.size(0), x.size(1)},
        "[N, C] for x " + Arrays.toString(x.shape()));
    Checks.sameFloatType(NAME, new String[] {"x", "y"}, x, y);
    this.x = x;
    this.y = y;
    this.rows = x.size(0) * x.size(1);
    this.plane = x.size(2) * x.size(3);
    // x[N·C, H·W]·(1/HW)[H·W, 1]: 2-5x faster than reduce_mean or a whole-plane avgpool2d, both
    // directions. reduce_mean when the arrays are views that would not reshape in place.
    INDArray rowsOfX = Checks.reshapedView(x, rows, plane);
    INDArray column = Checks.reshapedView(y, rows, 1);
    this.forward =
        rowsOfX != null && column != null
            ? PreparedOp.custom(
                NAME,
                "matmul",
                new INDArray[] {rowsOfX, averager(plane, 1)},
                new INDArray[] {column},
                PLAIN,
                OVERWRITE,
                NO_B)
            : PreparedOp.custom(
                NAME,
                "reduce_mean",
                new INDArray[] {x},
                new INDArray[] {y},
                new long[] {2, 3},
                NO_T,
                NO_B);
  }

  /** Computes y from x into the y given at construction. */
  public void forward() {
    forward.exec();
  }

  /** Enables backward: dx[N,C,H,W] receives dy[N,C]/(H·W) on every position. Returns this. */
  public GlobalAvgPool withGradients(INDArray dx, INDArray dy) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dx", dx, x.shape(), "(the shape of x)");
    Checks.shape(NAME, "dy", dy, y.shape(), "(the shape of y)");
    Checks.sameFloatType(NAME, new String[] {"x", "dx", "dy"}, x, dx, dy);
    // dx[N·C, H·W] = dy[N·C, 1]·(1/HW)[1, H·W], an outer product. Arrays that do not reshape in
    // place are staged through contiguous buffers allocated once, here.
    INDArray column = Checks.reshapedView(dy, rows, 1);
    INDArray rowsOfDx = Checks.reshapedView(dx, rows, plane);
    PreparedOp stageIn = null;
    PreparedOp stageOut = null;
    if (column == null) {
      INDArray staged = Nd4j.create(dy.dataType(), dy.shape());
      stageIn = copy(dy, staged);
      column = staged.reshape(rows, 1);
    }
    if (rowsOfDx == null) {
      INDArray staged = Nd4j.create(dx.dataType(), dx.shape());
      stageOut = copy(staged, dx);
      rowsOfDx = staged.reshape(rows, plane);
    }
    PreparedOp outer =
        PreparedOp.custom(
            NAME,
            "matmul",
            new INDArray[] {column, averager(1, plane)},
            new INDArray[] {rowsOfDx},
            PLAIN,
            OVERWRITE,
            NO_B);
    backward =
        Arrays.stream(new PreparedOp[] {stageIn, outer, stageOut})
            .filter(op -> op != null)
            .toArray(PreparedOp[]::new);
    return this;
  }

  /** Computes dx from dy, overwriting dx. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients();
    }
    for (PreparedOp op : backward) {
      op.exec();
    }
  }

  private INDArray averager(long r, long c) {
    return Nd4j.valueArrayOf(new long[] {r, c}, 1.0 / plane, x.dataType());
  }

  private static PreparedOp copy(INDArray from, INDArray to) {
    return PreparedOp.custom(
        NAME, "identity", new INDArray[] {from}, new INDArray[] {to}, NO_I, NO_T, NO_B);
  }
}
