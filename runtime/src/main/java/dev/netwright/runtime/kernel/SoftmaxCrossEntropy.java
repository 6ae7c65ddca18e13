package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Row-wise softmax with the mean cross-entropy against one-hot labels: forward and backward. */
public final class SoftmaxCrossEntropy extends Kernel implements Loss {
  private static final String NAME = "SoftmaxCrossEntropy";

  /**
   * Probabilities are clamped here before the log: the smallest positive float, so FLOAT
   * probabilities are only clamped when they underflow to exactly 0, and a confident wrong answer
   * costs at most -log(1.4e-45) = 103.28 per row instead of infinity.
   */
  static final double MIN_PROBABILITY = Float.MIN_VALUE;

  private final INDArray probs;
  private final long rows;
  private final long length;
  private final PreparedOp softmax;
  // The labels of the last forward, which backward differentiates against.
  private INDArray labels;
  private INDArray dlogits;

  /** probs[N,K] = softmax(logits[N,K]) row-wise; probs must be contiguous (it is read in Java). */
  public SoftmaxCrossEntropy(INDArray probs, INDArray logits) {
    super(NAME, "dlogits");
    Checks.rank(NAME, "logits", logits, 2, "[N, K]");
    Checks.shape(NAME, "probs", probs, logits.shape(), "(the shape of logits)");
    Checks.sameFloatType(NAME, new String[] {"logits", "probs"}, logits, probs);
    Checks.contiguous(NAME, "probs", probs);
    this.probs = probs;
    this.rows = logits.size(0);
    this.length = logits.length();
    this.softmax =
        PreparedOp.custom(
            NAME,
            "softmax",
            new INDArray[] {logits},
            new INDArray[] {probs},
            new long[] {1},
            new double[] {},
            new boolean[] {});
  }

  /**
   * Computes probs and returns the mean cross-entropy over the N rows against one-hot labels[N,K]
   * (same dtype). If the logits contain NaN the result is NaN, which the caller checks.
   */
  @Override
  public double forward(INDArray labels) {
    if (labels == null
        || !Arrays.equals(labels.shape(), probs.shape())
        || labels.dataType() != probs.dataType()) {
      throw new IllegalArgumentException(
          NAME
              + ": labels must be "
              + probs.dataType()
              + Arrays.toString(probs.shape())
              + " like probs, but found "
              + (labels == null ? "null" : labels.dataType() + Arrays.toString(labels.shape())));
    }
    Checks.contiguous(NAME, "labels", labels);
    softmax.exec();
    this.labels = labels;
    // N*K values: a plain loop is exact in double and allocates nothing, where the equivalent
    // chain of ND4J ops (clip, log, multiply, sum) would need scratch buffers and four calls.
    // A view's data() starts at the view's first element, so contiguous arrays index linearly.
    DataBuffer p = probs.data();
    DataBuffer l = labels.data();
    double sum = 0;
    boolean nan = false;
    for (long i = 0; i < length; i++) {
      double prob = p.getDouble(i);
      double label = l.getDouble(i);
      nan |= Double.isNaN(prob);
      if (label != 0) {
        sum -= label * Math.log(Math.max(prob, MIN_PROBABILITY));
      }
    }
    return nan ? Double.NaN : sum / rows;
  }

  /** Enables backward: dlogits[N,K] receives the gradient of the mean loss. Returns this. */
  @Override
  public SoftmaxCrossEntropy withGradients(INDArray dlogits) {
    if (this.dlogits != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dlogits", dlogits, probs.shape(), "(the shape of logits)");
    Checks.sameFloatType(NAME, new String[] {"probs", "dlogits"}, probs, dlogits);
    Checks.contiguous(NAME, "dlogits", dlogits);
    this.dlogits = dlogits;
    return this;
  }

  /** dlogits = (probs - labels) / N for the labels of the last forward. */
  @Override
  public void backward() {
    if (dlogits == null) {
      throw backwardWithoutGradients();
    }
    if (labels == null) {
      throw new IllegalStateException(
          NAME + ".backward() differentiates the last forward(labels):" + " call forward first");
    }
    DataBuffer p = probs.data();
    DataBuffer l = labels.data();
    DataBuffer d = dlogits.data();
    double scale = 1.0 / rows;
    for (long i = 0; i < length; i++) {
      d.put(i, (p.getDouble(i) - l.getDouble(i)) * scale);
    }
  }
}
