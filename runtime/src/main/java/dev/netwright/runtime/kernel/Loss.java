package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A head: a loss over a network's output with its gradient, built once per batch size. */
public interface Loss {
  /** The mean loss of the current output against {@code labels}. */
  double forward(INDArray labels);

  /** Enables backward: the gradient of the mean loss goes into {@code doutput}. Returns this. */
  Loss withGradients(INDArray doutput);

  /** Writes the gradient of the last forward's loss. */
  void backward();
}
