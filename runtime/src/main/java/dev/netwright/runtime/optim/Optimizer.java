package dev.netwright.runtime.optim;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates a network's parameters from their gradients.
 *
 * <p>{@link Sgd} and {@link Adam} implement every method. The defaults here are for optimizers
 * written elsewhere: they refuse, naming the class, rather than silently drop a schedule or state.
 */
public interface Optimizer {
  /** Applies one update from the current gradients. */
  void step();

  /** The current learning rate. */
  double learningRate();

  /**
   * Sets the learning rate for the following steps, e.g. from a {@link LearningRateSchedule} once
   * per epoch. Zero is allowed (a schedule may anneal to it); negative or non-finite rates are not.
   *
   * @throws UnsupportedOperationException if this optimizer's rate is fixed
   */
  default void setLearningRate(double learningRate) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not support changing its learning rate");
  }

  /**
   * The state buffers by name (e.g. "velocity", or "m" and "v"), each flat and laid out like {@code
   * Parameters.values()}; empty for a stateless optimizer. These are the live buffers: copy them
   * ({@code dup()}) to keep a snapshot.
   *
   * @throws UnsupportedOperationException if this optimizer cannot expose its state
   */
  default Map<String, INDArray> state() {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not expose its state for checkpoints");
  }

  /**
   * Number of steps taken, counting those restored; Adam's bias correction depends on it.
   *
   * @throws UnsupportedOperationException if this optimizer cannot expose its state
   */
  default long steps() {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not expose its state for checkpoints");
  }

  /**
   * Copies {@code state} (same names, shapes and types as {@link #state()}) into this optimizer's
   * buffers and sets the step counter, so training continues exactly where the saved one stopped.
   *
   * @throws IllegalArgumentException if the names, shapes or types differ, or steps is negative
   * @throws UnsupportedOperationException if this optimizer cannot restore its state
   */
  default void restore(Map<String, INDArray> state, long steps) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not support restoring its state");
  }
}
