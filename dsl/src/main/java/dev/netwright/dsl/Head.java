package dev.netwright.dsl;

/** The loss a network is trained with, applied to its last node. */
public enum Head {
  /** Softmax over the last node's outputs, then cross-entropy with the class label (PyTorch's CrossEntropyLoss). */
  SOFTMAX_CROSS_ENTROPY,
  /** No loss: the caller supplies the output gradient to {@code backward}. */
  NONE
}
