package dev.netwright.runtime.optim;

/** Updates a network's parameters from their gradients. */
public interface Optimizer {
  /** Applies one update from the current gradients. */
  void step();

  /** The current learning rate. */
  double learningRate();
}
