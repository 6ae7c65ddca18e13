package dev.netwright.runtime.train;

import dev.netwright.runtime.data.Batch;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.model.Model;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accuracy, per-class accuracy and the confusion matrix (rows = true class, columns = predicted) of
 * a classifier, the prediction being the argmax of each output row.
 */
public final class Evaluation {
  private final int classes;
  private final long[][] confusion;
  private long count;
  private long correct;

  /** An empty evaluation over {@code classes} classes; fill it with {@link #add}. */
  public Evaluation(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("an evaluation needs at least one class, got " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes][classes];
  }

  /**
   * Runs {@code model} in inference mode over one full epoch of {@code loader} (which is reset
   * first) and evaluates its predictions. Leaves the model in inference mode.
   */
  public static Evaluation of(Model model, BatchLoader loader) {
    if (model.classes() < 1) {
      throw new IllegalArgumentException(
          "network "
              + model.name()
              + " has no classifier head (classes() = "
              + model.classes()
              + "): there are no predicted classes to evaluate");
    }
    Evaluation evaluation = new Evaluation(model.classes());
    model.setTraining(false);
    loader.reset();
    while (loader.hasNext()) {
      Batch batch = loader.next();
      evaluation.add(model.forward(batch.features()), batch.classes());
    }
    return evaluation;
  }

  /**
   * Adds one batch: {@code outputs} [n, classes] scores (logits or probabilities) and the true
   * class of each row, {@code n = trueClasses.length}.
   */
  public void add(INDArray outputs, int[] trueClasses) {
    int n = trueClasses.length;
    Predictions.checkShape(outputs, n, classes);
    for (int i = 0; i < n; i++) {
      int truth = trueClasses[i];
      if (truth < 0 || truth >= classes) {
        throw new IllegalArgumentException(
            "true class " + truth + " of row " + i + " is outside [0, " + classes + ")");
      }
      int predicted = Predictions.argmax(outputs, i);
      confusion[truth][predicted]++;
      if (predicted == truth) {
        correct++;
      }
    }
    count += n;
  }

  /** Number of classes K. */
  public int classes() {
    return classes;
  }

  /** Number of examples evaluated. */
  public long count() {
    return count;
  }

  /** Number of examples predicted correctly. */
  public long correct() {
    return correct;
  }

  /** Fraction of examples predicted correctly, in [0, 1]; NaN before any example. */
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  /**
   * Fraction of the examples of class {@code c} predicted as {@code c} (its recall); NaN if none.
   */
  public double accuracy(int c) {
    long[] row = confusion[checkClass(c)];
    long total = 0;
    for (long v : row) {
      total += v;
    }
    return total == 0 ? Double.NaN : (double) row[c] / total;
  }

  /** How many examples of true class {@code truth} were predicted as {@code predicted}. */
  public long count(int truth, int predicted) {
    return confusion[checkClass(truth)][checkClass(predicted)];
  }

  /** A copy of the confusion matrix, [true class][predicted class]. */
  public long[][] confusionMatrix() {
    long[][] copy = new long[classes][];
    for (int i = 0; i < classes; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** The overall accuracy, the confusion matrix and per-class accuracy, classes numbered. */
  @Override
  public String toString() {
    return format(List.of());
  }

  /**
   * The overall accuracy, the confusion matrix and per-class accuracy as a table, rows labelled
   * with {@code names} (e.g. {@link ClassNames#FASHION_MNIST}), or numbered when it is null or
   * empty.
   */
  public String format(List<String> names) {
    if (names == null) {
      names = List.of();
    }
    if (!names.isEmpty() && names.size() != classes) {
      throw new IllegalArgumentException(
          "got " + names.size() + " class names for " + classes + " classes");
    }
    String[] labels = new String[classes];
    int labelWidth = "true \\ predicted".length();
    long max = 0;
    for (int i = 0; i < classes; i++) {
      labels[i] = names.isEmpty() ? String.valueOf(i) : i + " " + names.get(i);
      labelWidth = Math.max(labelWidth, labels[i].length());
      for (long v : confusion[i]) {
        max = Math.max(max, v);
      }
    }
    int cell = Math.max(String.valueOf(max).length(), String.valueOf(classes - 1).length()) + 2;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT, "accuracy %s (%,d of %,d)%n", percent(accuracy()), correct, count));
    s.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", "true \\ predicted"));
    for (int j = 0; j < classes; j++) {
      s.append(String.format(Locale.ROOT, "%" + cell + "d", j));
    }
    s.append(String.format(Locale.ROOT, "%10s%n", "accuracy"));
    for (int i = 0; i < classes; i++) {
      s.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", labels[i]));
      for (int j = 0; j < classes; j++) {
        s.append(String.format(Locale.ROOT, "%" + cell + "d", confusion[i][j]));
      }
      s.append(String.format(Locale.ROOT, "%10s%n", percent(accuracy(i))));
    }
    return s.toString();
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  private int checkClass(int c) {
    if (c < 0 || c >= classes) {
      throw new IndexOutOfBoundsException("class " + c + " is outside [0, " + classes + ")");
    }
    return c;
  }
}
