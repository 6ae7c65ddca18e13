package dev.netwright.dsl;

/** The loss a network is trained with, applied to its last node. */
public enum Head {
  /**
   * Softmax over the last node's outputs, then cross-entropy with the class label (PyTorch's
   * CrossEntropyLoss).
   */
  SOFTMAX_CROSS_ENTROPY,
  /**
   * Sigmoid of the single output, then binary cross-entropy with a 0/1 label (PyTorch's
   * BCEWithLogitsLoss); predicts class 1 when the probability exceeds 0.5.
   */
  SIGMOID_BINARY_CROSS_ENTROPY,
  /** Mean squared error against targets of the output's shape (PyTorch's MSELoss). */
  MEAN_SQUARED_ERROR,
  /** No loss: the caller supplies the output gradient to {@code backward}. */
  NONE
}
