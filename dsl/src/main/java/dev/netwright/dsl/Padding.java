package dev.netwright.dsl;

/**
 * How a convolution or pooling window treats the border. Explicit padding, as in PyTorch, is
 * written with the layer's {@code pad} attribute instead.
 */
public enum Padding {
  /** No padding: the window stays inside the input. */
  VALID,
  /**
   * TensorFlow's SAME: output = ceil(input / stride), zeros added evenly, the odd one at the bottom
   * and right.
   */
  SAME
}
