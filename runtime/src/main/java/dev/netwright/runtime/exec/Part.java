package dev.netwright.runtime.exec;

import dev.netwright.runtime.kernel.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The buffers of one batch, or of one part of a split batch, as {@link BatchPlan} and {@link
 * Branches} see them: its size, input, output and head, and the lanes its branches may use. The
 * model's buffer set ({@code GeneratedModel.Batch}) extends it with everything else.
 */
public abstract class Part {
  /** Batch size. */
  protected final int n;

  /** The network input [N, C, H, W], copied from the caller's array. */
  protected INDArray input;

  /** The last node's output [N, ...]. */
  protected INDArray output;

  /** Gradient of the loss with respect to {@link #output}, allocated with the backward pass. */
  protected INDArray outputGradient;

  /** The head, or null for a network without one. */
  protected Loss loss;

  /** Lanes this part's {@link Branches} may use in the current forward pass; 1: in order. */
  int lanes = 1;

  /** Buffers for batch size {@code n}. */
  protected Part(int n) {
    this.n = n;
  }

  /** Allocates gradient buffers and arms the kernels' backward passes. */
  protected abstract void enableBackward();

  /**
   * The branches of one block's forward pass, each with its native call count and multiply-adds per
   * example (what balances them across lanes); made once, by the generated constructor.
   */
  protected final Branches branches(long[] calls, long[] multiplyAdds, Runnable... branches) {
    return new Branches(this, calls, multiplyAdds, branches);
  }
}
