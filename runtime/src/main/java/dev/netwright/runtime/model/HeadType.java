package dev.netwright.runtime.model;

/**
 * The loss a generated network trains with: the DSL's {@code Head}, constant for constant, since
 * generated code names the one of the same name (DslNamesTest pins the pairs).
 */
public enum HeadType {
  /** Softmax then cross-entropy against one-hot labels [N, classes]. */
  SOFTMAX_CROSS_ENTROPY,
  /** Sigmoid then binary cross-entropy against 0/1 labels [N, 1] (or one-hot [N, 2]). */
  SIGMOID_BINARY_CROSS_ENTROPY,
  /** Mean squared error against targets of the output's shape. */
  MEAN_SQUARED_ERROR,
  /** No loss: backward takes the output gradient. */
  NONE
}
