package dev.netwright.runtime.train;

import java.util.Locale;

/**
 * Training went non-finite. Either the loss became NaN or infinite: the step that produced it
 * updated no parameter, so the model holds the values from before that step. Or, found at the end
 * of an epoch whose losses were all finite, a parameter, buffer or optimizer state holds a NaN or
 * an infinity that ReLU or max pooling hid from the loss: the model holds it, and the epoch was not
 * checkpointed.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final int step;
  private final double loss;

  private final String node;

  /** Loss {@code loss} at {@code step} (1-based, of {@code steps}) of {@code epoch} (1-based). */
  public TrainingDivergedException(
      int epoch, int step, int steps, double loss, double learningRate) {
    this(epoch, step, steps, loss, learningRate, null);
  }

  /**
   * As above, naming {@code node}, the first node whose output went non-finite, when it is known.
   */
  public TrainingDivergedException(
      int epoch, int step, int steps, double loss, double learningRate, String node) {
    super(
        String.format(
            Locale.ROOT,
            "training diverged in epoch %d at step %d of %d: the loss is %s%s, so that"
                + " step updated no parameter. %s",
            epoch,
            step,
            steps,
            loss,
            node == null ? "" : " and the first node whose output is not finite is '" + node + "'",
            String.format(
                Locale.ROOT,
                "Lower the learning rate (now %s), e.g. to %s.",
                learningRate,
                learningRate / 10)));
    this.epoch = epoch;
    this.step = step;
    this.loss = loss;
    this.node = node;
  }

  /**
   * Found after the last of {@code steps} steps of {@code epoch}, whose last loss {@code loss} was
   * finite like every other: {@code what} holds a NaN or an infinity, e.g. "parameter
   * 'conv1.weight' holds NaN at [0, 0, 1, 2]". {@code unsaved}, when not null, is the checkpoint
   * file this epoch was therefore not saved to.
   */
  public TrainingDivergedException(
      int epoch,
      int steps,
      double loss,
      double learningRate,
      String what,
      java.nio.file.Path unsaved) {
    super(
        String.format(
            Locale.ROOT,
            "training diverged in epoch %d: after its last step (%d of %d) %s, though"
                + " every loss was finite (ReLU and max pooling can hide such values from the loss); %s. Lower the"
                + " learning rate (now %s), e.g. to %s.",
            epoch,
            steps,
            steps,
            what,
            unsaved == null
                ? "training stopped"
                : "epoch "
                    + epoch
                    + " was not saved, so "
                    + unsaved
                    + " is as it was before this epoch",
            learningRate,
            learningRate / 10));
    this.epoch = epoch;
    this.step = steps;
    this.loss = loss;
    this.node = null;
  }

  /**
   * The first node whose output was not finite, or null if unknown or when a parameter, buffer or
   * state diverged first (the message names it).
   */
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

  /**
   * The loss of that step: NaN or ±Infinity; finite when a parameter, buffer or state diverged
   * first.
   */
  public double loss() {
    return loss;
  }
}
