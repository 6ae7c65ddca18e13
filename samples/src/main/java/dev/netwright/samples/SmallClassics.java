package dev.netwright.samples;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.Digits;
import dev.netwright.runtime.data.ImageFolder;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/** The two small end-to-end classics: the digits CNN and the L-layer dense network. */
final class SmallClassics {
  private SmallClassics() {}

  /**
   * The TensorFlow walk-through: DigitsCnn on the 1,797 8x8 digits with Adam 1e-3, batch 8; returns
   * the accuracy on the training set (what the walk-through reports) in inference mode.
   */
  static double digits(Path csv, int epochs, long seed, PrintStream out, boolean quiet)
      throws IOException {
    Dataset data = Digits.load(csv);
    Model net = new DigitsCnnModel(DataType.FLOAT, seed);
    out.println(net.summary());
    try (BatchLoader train = new BatchLoader(data, 8, true, seed, DataType.FLOAT);
        BatchLoader all = new BatchLoader(data, 256, false, seed, DataType.FLOAT)) {
      Trainer.builder()
          .epochs(epochs)
          .out(out)
          .quiet(quiet)
          .build()
          .fit(net, Adam.builder(net.parameters(), 1e-3).build(), train);
      double accuracy = Evaluation.of(net, all).accuracy();
      out.printf(
          Locale.ROOT,
          "DigitsCnn: training accuracy %.2f%% after %d epochs (the walk-through"
              + " reports 99.9%% after 1,000)%n",
          100 * accuracy,
          epochs);
      return accuracy;
    }
  }

  /** The tutorial's layer sizes for 128x128x3 images: [49152, 20, 7, 5, 1]. */
  static final int[] TUTORIAL_LAYERS = {3 * 128 * 128, 20, 7, 5, 1};

  /**
   * {@link #dense(Path, String, int[], int, double, long, PrintStream)} with the tutorial's layers.
   */
  static double[] dense(
      Path images, String positive, int iterations, double learningRate, long seed, PrintStream out)
      throws IOException {
    return dense(images, positive, TUTORIAL_LAYERS, iterations, learningRate, seed, out);
  }

  /**
   * The NumPy tutorial: an L-layer {@link DenseNetwork} with the given layer sizes on an image
   * folder (one sub-folder per class, images resized to 128x128x3), {@code positive} the class
   * called 1, full-batch gradient descent, the cost printed every 100 iterations; returns [train
   * accuracy, test accuracy].
   */
  static double[] dense(
      Path images,
      String positive,
      int[] layers,
      int iterations,
      double learningRate,
      long seed,
      PrintStream out)
      throws IOException {
    ImageFolder.Split split = ImageFolder.load(images, 128, 128, 0.2, seed);
    int positiveIndex = split.classes().indexOf(positive);
    if (positiveIndex < 0) {
      throw new IllegalArgumentException(
          "no class folder '"
              + positive
              + "' in "
              + images
              + "; its classes are "
              + split.classes());
    }
    Dataset train = ImageFolder.oneVersusRest(split.train(), positiveIndex, seed);
    Dataset test = ImageFolder.oneVersusRest(split.test(), positiveIndex, seed);
    Model net = new DenseNetwork(DataType.FLOAT, seed, new int[] {3, 128, 128}, layers);
    out.println(net.summary());
    out.printf(
        Locale.ROOT,
        "%s: '%s' against the rest, %d training and %d test images%n",
        images,
        positive,
        train.size(),
        test.size());
    return fullBatch(net, train, test, iterations, learningRate, seed, out);
  }

  /**
   * Full-batch gradient descent as the NumPy tutorial does it: every iteration one step on the
   * whole training set, the cost printed at iterations 0, 100, 200, ...; returns [train accuracy,
   * test accuracy] with predictions by a 0.5 threshold.
   */
  static double[] fullBatch(
      Model net,
      Dataset train,
      Dataset test,
      int iterations,
      double learningRate,
      long seed,
      PrintStream out) {
    try (BatchLoader all = new BatchLoader(train, train.size(), false, seed, DataType.FLOAT);
        BatchLoader testAll =
            new BatchLoader(test, Math.max(1, test.size()), false, seed, DataType.FLOAT)) {
      List<EpochResult> history =
          Trainer.builder()
              .epochs(iterations)
              .quiet(true)
              .listener(
                  r -> {
                    if ((r.epoch() - 1) % 100
                        == 0) { // the tutorial prints at iterations 0, 100, 200, ...
                      out.printf(
                          Locale.ROOT, "Cost after iteration %d: %.6f%n", r.epoch() - 1, r.loss());
                    }
                  })
              .build()
              .fit(net, new Sgd(net.parameters(), learningRate, 0), all);
      double trainAccuracy = Evaluation.of(net, all).accuracy();
      double testAccuracy = Evaluation.of(net, testAll).accuracy();
      out.printf(
          Locale.ROOT,
          "%s: train accuracy %.2f%%, test accuracy %.2f%% after %d"
              + " iterations (final cost %.6f)%n",
          net.name(),
          100 * trainAccuracy,
          100 * testAccuracy,
          iterations,
          history.get(history.size() - 1).loss());
      return new double[] {trainAccuracy, testAccuracy};
    }
  }
}
