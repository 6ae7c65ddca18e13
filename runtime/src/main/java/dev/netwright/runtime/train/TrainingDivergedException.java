package dev.netwright.runtime.train;

import java.util.Locale;

/**
 * The loss became NaN or infinite during training. The step that produced it updated no
 * parameter, so the model holds the values from before that step.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final int step;
  private final double loss;

  private final String node;

  /** Loss {@code loss} at {@code step} (1-based, of {@code steps}) of {@code epoch} (1-based). */
  public TrainingDivergedException(int epoch, int step, int steps, double loss, double learningRate) {
    this(epoch, step, steps, loss, learningRate, null);
  }

  /**
   * As above, naming {@code node}, the first node whose output went non-finite ("input" for the
   * input batch), when it is known.
   */
  public TrainingDivergedException(int epoch, int step, int steps, double loss, double learningRate,
      String node) {
    super(String.format(Locale.ROOT, "training diverged in epoch %d at step %d of %d: the loss is %s%s, so that"
            + " step updated no parameter. %s",
        epoch, step, steps, loss, where(node),
        "input".equals(node)
            ? "The input batch holds NaN or infinite values: clean the data."
            : String.format(Locale.ROOT, "Lower the learning rate (now %s), e.g. to %s, or check the inputs"
                + " for NaN or infinite values.", learningRate, learningRate / 10)));
    this.epoch = epoch;
    this.step = step;
    this.loss = loss;
    this.node = node;
  }

  private static String where(String node) {
    if (node == null) {
      return "";
    }
    return "input".equals(node) ? " because the input batch is not finite"
        : " and the first node whose output is not finite is '" + node + "'";
  }

  /** The first node whose output was not finite ("input" for the input), or null if unknown. */
  public String node() {
    return node;
  }

  /** The epoch that diverged, from 1. */
  public int epoch() {
    return epoch;
  }

  /** The step within the epoch whose loss was not finite, from 1. */
  public int step() {
    return step;
  }

  /** The loss of that step: NaN or ±Infinity. */
  public double loss() {
    return loss;
  }
}
