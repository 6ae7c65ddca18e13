package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Head: mean squared error, mean over all N·K entries (PyTorch's MSELoss). */
public final class MeanSquaredError extends Kernel implements Loss {
  private static final String NAME = "MeanSquaredError";

  private final INDArray predictions;
  private final long length;
  // The targets of the last forward, which backward differentiates against.
  private INDArray targets;
  private INDArray dpredictions;

  /** predictions[N,K], contiguous (read in Java), as a Dense output is. */
  public MeanSquaredError(INDArray predictions) {
    super(NAME, "dpredictions");
    Checks.rank(NAME, "predictions", predictions, 2, "[N, K]");
    Checks.sameFloatType(NAME, new String[] {"predictions"}, predictions);
    Checks.contiguous(NAME, "predictions", predictions);
    this.predictions = predictions;
    this.length = predictions.length();
  }

  /**
   * Returns the mean over all N·K entries of (p − t)² against targets[N,K] (same dtype). NaN
   * predictions give a NaN loss, which the caller checks.
   */
  @Override
  public double forward(INDArray targets) {
    if (targets == null
        || !Arrays.equals(targets.shape(), predictions.shape())
        || targets.dataType() != predictions.dataType()) {
      throw new IllegalArgumentException(
          NAME
              + ": targets must be "
              + predictions.dataType()
              + Arrays.toString(predictions.shape())
              + " like predictions, but found "
              + (targets == null ? "null" : targets.dataType() + Arrays.toString(targets.shape())));
    }
    Checks.contiguous(NAME, "targets", targets);
    this.targets = targets;
    // N·K values: a plain loop is exact in double and allocates nothing.
    DataBuffer p = predictions.data();
    DataBuffer t = targets.data();
    double sum = 0;
    for (long i = 0; i < length; i++) {
      double error = p.getDouble(i) - t.getDouble(i);
      sum += error * error;
    }
    return sum / length;
  }

  /** Enables backward: dpredictions[N,K] receives the gradient of the mean loss. Returns this. */
  @Override
  public MeanSquaredError withGradients(INDArray dpredictions) {
    if (this.dpredictions != null) {
      throw withGradientsAgain();
    }
    Checks.shape(
        NAME, "dpredictions", dpredictions, predictions.shape(), "(the shape of predictions)");
    Checks.sameFloatType(
        NAME, new String[] {"predictions", "dpredictions"}, predictions, dpredictions);
    Checks.contiguous(NAME, "dpredictions", dpredictions);
    this.dpredictions = dpredictions;
    return this;
  }

  /** dpredictions = 2(p − t)/(N·K) for the targets of the last forward. */
  @Override
  public void backward() {
    if (dpredictions == null) {
      throw backwardWithoutGradients();
    }
    if (targets == null) {
      throw new IllegalStateException(
          NAME + ".backward() differentiates the last" + " forward(targets): call forward first");
    }
    DataBuffer p = predictions.data();
    DataBuffer t = targets.data();
    DataBuffer d = dpredictions.data();
    double scale = 2.0 / length;
    for (long i = 0; i < length; i++) {
      d.put(i, (p.getDouble(i) - t.getDouble(i)) * scale);
    }
  }
}
