package dev.netwright.runtime.train;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What one epoch of {@link Trainer#fit} achieved.
 *
 * @param epoch this epoch, from 1
 * @param epochs the number of epochs of the run
 * @param loss mean training loss per example over the epoch
 * @param trainAccuracy fraction of training examples predicted correctly during the epoch (the
 *     parameters changed along the way, as in Keras' running accuracy)
 * @param testAccuracy fraction of test examples predicted correctly after the epoch, if a test
 *     loader was given
 * @param imagesPerSecond training throughput (forward, backward and update; evaluation excluded)
 * @param seconds wall time of the whole epoch, evaluation included
 */
public record EpochResult(
    int epoch,
    int epochs,
    double loss,
    double trainAccuracy,
    OptionalDouble testAccuracy,
    double imagesPerSecond,
    double seconds) {

  /**
   * One log line, e.g. {@code epoch 1/5 loss 0.6123 train acc 77.8% test acc 80.1% 14,250 img/s 4.2
   * s}.
   */
  public String format() {
    StringBuilder s = new StringBuilder(96);
    s.append(
        String.format(
            Locale.ROOT,
            "epoch %d/%d  loss %.4f  train acc %.1f%%",
            epoch,
            epochs,
            loss,
            100 * trainAccuracy));
    if (testAccuracy.isPresent()) {
      s.append(String.format(Locale.ROOT, "  test acc %.1f%%", 100 * testAccuracy.getAsDouble()));
    }
    s.append(String.format(Locale.ROOT, "  %,.0f img/s  %.1f s", imagesPerSecond, seconds));
    return s.toString();
  }
}
