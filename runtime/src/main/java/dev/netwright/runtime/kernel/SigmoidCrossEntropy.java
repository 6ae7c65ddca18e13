package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Head: sigmoid then binary cross-entropy against labels in {0,1} of the same shape [N, K] (K
 * usually 1), mean over all N·K entries, numerically stable from the logits (log-sum-exp form, as
 * PyTorch's BCEWithLogitsLoss).
 */
public final class SigmoidCrossEntropy extends Kernel implements Loss {
  private static final String NAME = "SigmoidCrossEntropy";

  private final INDArray probs;
  private final INDArray logits;
  private final long length;
  private final PreparedOp sigmoid;
  // The labels of the last forward, which backward differentiates against.
  private INDArray labels;
  private INDArray dlogits;

  /**
   * probs[N,K] = sigmoid(logits[N,K]); both must be contiguous (they are read in Java), as a Dense
   * output is.
   */
  public SigmoidCrossEntropy(INDArray probs, INDArray logits) {
    super(NAME, "dlogits");
    Checks.rank(NAME, "logits", logits, 2, "[N, K]");
    Checks.shape(NAME, "probs", probs, logits.shape(), "(the shape of logits)");
    Checks.sameFloatType(NAME, new String[] {"logits", "probs"}, logits, probs);
    Checks.contiguous(NAME, "logits", logits);
    Checks.contiguous(NAME, "probs", probs);
    this.probs = probs;
    this.logits = logits;
    this.length = logits.length();
    this.sigmoid =
        PreparedOp.custom(
            NAME,
            "sigmoid",
            new INDArray[] {logits},
            new INDArray[] {probs},
            new long[] {},
            new double[] {},
            new boolean[] {});
  }

  /**
   * Computes probs and returns the mean over all N·K entries of max(z,0) − z·y + log(1 + e^−|z|)
   * for logits z and labels y (same shape and dtype; soft labels in [0,1] work too). NaN logits
   * give a NaN loss, which the caller checks.
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
    sigmoid.exec();
    this.labels = labels;
    // From the logits, never log(probs): a FLOAT sigmoid saturates to exactly 0 or 1 at |z| ≈ 17,
    // where log(1 - p) would be -inf. A view's data() starts at its first element.
    DataBuffer z = logits.data();
    DataBuffer y = labels.data();
    double sum = 0;
    for (long i = 0; i < length; i++) {
      double logit = z.getDouble(i);
      sum += Math.max(logit, 0) - logit * y.getDouble(i) + Math.log1p(Math.exp(-Math.abs(logit)));
    }
    return sum / length;
  }

  /** Enables backward: dlogits[N,K] receives the gradient of the mean loss. Returns this. */
  @Override
  public SigmoidCrossEntropy withGradients(INDArray dlogits) {
    if (this.dlogits != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dlogits", dlogits, probs.shape(), "(the shape of logits)");
    Checks.sameFloatType(NAME, new String[] {"probs", "dlogits"}, probs, dlogits);
    Checks.contiguous(NAME, "dlogits", dlogits);
    this.dlogits = dlogits;
    return this;
  }

  /** dlogits = (probs − labels)/(N·K) for the labels of the last forward. */
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
    double scale = 1.0 / length;
    for (long i = 0; i < length; i++) {
      d.put(i, (p.getDouble(i) - l.getDouble(i)) * scale);
    }
  }
}
