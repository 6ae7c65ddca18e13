package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** acc += x, for a gradient that several layers contribute to (a fan-out in the forward pass). */
public final class Accumulate {
  private static final String NAME = "Accumulate";

  private final PreparedOp add;

  /**
   * Adds x into acc on every run; same shape and dtype, any layout (e.g. acc a reshape view of a
   * flat gradient buffer). x must not overlap acc unless it is acc.
   */
  public Accumulate(INDArray acc, INDArray x) {
    Checks.present(NAME, "acc", acc);
    Checks.shape(NAME, "x", x, acc.shape(), "(the shape of acc)");
    Checks.sameFloatType(NAME, new String[] {"acc", "x"}, acc, x);
    // A prepared in-place "add": 0 bytes and ~19 µs per call for [64,16,12,12] FLOAT on one
    // thread. A raw native legacy Add was as fast; Level1.axpy as fast but 416 bytes per call
    // and contiguous arrays only; acc.addi(x) ~22 µs and ~3.3 KB.
    this.add =
        PreparedOp.custom(
            NAME,
            "add",
            new INDArray[] {acc, x},
            new INDArray[] {acc},
            new long[] {},
            new double[] {},
            new boolean[] {});
  }

  /** acc += x with the current contents of both. */
  public void run() {
    add.exec();
  }
}
