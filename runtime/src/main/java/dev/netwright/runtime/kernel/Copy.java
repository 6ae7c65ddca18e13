package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * to = from, between two fixed arrays (e.g. one part of a split batch and its rows of the whole).
 */
public final class Copy {
  private static final String NAME = "Copy";

  private final PreparedOp assign;

  /** Copies from into to on every run; same shape and dtype, any layout; they must not overlap. */
  public Copy(INDArray to, INDArray from) {
    Checks.present(NAME, "to", to);
    Checks.shape(NAME, "from", from, to.shape(), "(the shape of to)");
    Checks.sameFloatType(NAME, new String[] {"to", "from"}, to, from);
    this.assign =
        PreparedOp.custom(
            NAME,
            "assign",
            new INDArray[] {to, from},
            new INDArray[] {to},
            new long[] {},
            new double[] {},
            new boolean[] {});
  }

  /** to = from with the current contents of from. */
  public void run() {
    assign.exec();
  }
}
