package dev.netwright.runtime.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A generated network: what the training loop, optimizers and persistence see of it.
 *
 * <p>Buffers are allocated once per batch size and reused, so the arrays returned here are views
 * into the network's own buffers: valid until the next call with the same batch size. Copy them
 * ({@code dup()}) to keep them.
 */
public interface Model {
  /** The simple name of the interface the network was declared in. */
  String name();

  /** Shape of one input example, [channels, height, width]. */
  int[] inputShape();

  /** Shape of one output example, e.g. [10] for ten logits. */
  int[] outputShape();

  /** Number of classes the head scores, or 0 for a network without a head. */
  int classes();

  /** The loss the network trains with. */
  HeadType head();

  /**
   * Element type of every parameter and buffer (FLOAT for training, DOUBLE for gradient checks).
   */
  DataType dataType();

  /** The named parameters with their gradients, as views into flat buffers. */
  Parameters parameters();

  /** Whether forward runs in training mode (batch statistics, dropout) or inference mode. */
  void setTraining(boolean training);

  /**
   * Training-mode forward passes so far; dropout masks are a function of the seed and this count,
   * so a checkpoint that stores it resumes with the same masks.
   */
  default long trainingSteps() {
    return 0;
  }

  /** Restores {@link #trainingSteps()} (from a checkpoint). */
  default void setTrainingSteps(long steps) {}

  /**
   * After a forward pass: the first node, in forward order, whose output holds a NaN or an
   * infinity, or null when every output is finite (forward refuses a non-finite input). For
   * diagnosing a loss that went non-finite; it reads every activation, so it is not for each step.
   */
  default String firstNonFinite() {
    return null;
  }

  /** The seed of the dropout masks (the seed the network was made with). */
  default long dropoutSeed() {
    return 0;
  }

  /** Restores {@link #dropoutSeed()} (from a checkpoint). */
  default void setDropoutSeed(long seed) {}

  /**
   * Runs the network on {@code input} of shape [N, C, H, W] and returns its output [N, ...].
   *
   * @throws IllegalArgumentException when the input's rank, shape or type is not the network's
   */
  INDArray forward(INDArray input);

  /**
   * Mean loss of the last {@link #forward} output against one-hot {@code labels} [N, classes].
   *
   * @throws IllegalStateException for a network without a head, or before any forward
   */
  double loss(INDArray labels);

  /** Gradients of the last {@link #loss} into {@link Parameters#gradients()}. */
  void backward();

  /**
   * Gradients into {@link Parameters#gradients()} from a caller-supplied output gradient [N, ...].
   */
  void backward(INDArray outputGradient);

  /**
   * The summary table computed at compile time: node, type, output shape, parameters,
   * multiply-adds.
   */
  String summary();

  /** The network as a Graphviz DOT digraph, with shapes on the edges and blocks as clusters. */
  String diagram();

  /**
   * The network at inference as ONNX operators, for {@code io.Onnx.export}. Generated networks
   * describe themselves; a model written by hand has no description unless it writes one.
   *
   * @throws UnsupportedOperationException for a model that does not describe its graph
   */
  default OnnxGraph graph() {
    throw new UnsupportedOperationException(
        name()
            + " does not describe its graph as ONNX operators:"
            + " networks generated from a @Network interface do; a model written by hand must implement graph()");
  }
}
