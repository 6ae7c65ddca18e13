package dev.netwright.processor.layer;

import dev.netwright.dsl.Init;
import java.util.ArrayList;
import java.util.List;

/**
 * A learned parameter of one layer, or a non-trainable buffer (batch-norm running statistics).
 *
 * @param name within the layer: "weight", "running_mean"
 * @param init the initialiser, never {@link Init#DEFAULT}; null for a constant fill
 * @param fill the constant the parameter starts at, when {@code init} is null
 * @param buffer whether it is non-trainable state (no gradient)
 */
public record Parameter(
    String name, long[] shape, int fanIn, int fanOut, Init init, Fill fill, boolean buffer) {
  /** A constant a parameter starts at. */
  public enum Fill {
    ZEROS(0.0),
    ONES(1.0);

    private final double value;

    Fill(double value) {
      this.value = value;
    }

    /** The constant. */
    public double value() {
      return value;
    }
  }

  /** A learned parameter drawn by {@code init}. */
  static Parameter learned(String name, long[] shape, int fanIn, int fanOut, Init init) {
    return new Parameter(name, shape, fanIn, fanOut, init, null, false);
  }

  /** A learned parameter that starts at a constant. */
  static Parameter constant(String name, long[] shape, int fanIn, int fanOut, Fill fill) {
    return new Parameter(name, shape, fanIn, fanOut, null, fill, false);
  }

  /** Non-trainable state that starts at a constant. */
  static Parameter state(String name, long[] shape, Fill fill) {
    return new Parameter(name, shape, 1, 1, null, fill, true);
  }

  /** Number of scalars. */
  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * The weight drawn by {@code own} (DEFAULT: the network's, whose DEFAULT is PyTorch's) and, when
   * {@code bias}, a bias drawn by PyTorch's rule along with it, or zeros beside any other rule.
   */
  static List<Parameter> weightAndBias(
      long[] weight, int fanIn, int fanOut, boolean bias, Init own, Init network) {
    Init init = own == Init.DEFAULT ? network : own;
    init = init == Init.DEFAULT ? Init.PYTORCH : init;
    List<Parameter> params = new ArrayList<>();
    params.add(learned("weight", weight, fanIn, fanOut, init));
    if (bias) {
      long[] shape = {weight[0]};
      params.add(
          init == Init.PYTORCH
              ? learned("bias", shape, fanIn, fanOut, init)
              : constant("bias", shape, fanIn, fanOut, Fill.ZEROS));
    }
    return params;
  }
}
