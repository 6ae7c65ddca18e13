package dev.netwright.runtime.train;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads predicted classes (argmax of each output row) straight from the output's buffer: no ND4J op
 * and no garbage per batch, unlike {@code argMax} or {@code getDouble(i, j)} (which boxes its
 * indices into a fresh {@code long[]} on every call).
 */
public final class Predictions {
  private Predictions() {}

  /** Checks that {@code output} is [n, classes] for n examples; the message is for the user. */
  static void checkShape(INDArray output, int n, int classes) {
    boolean binary = classes == 2 && output.rank() == 2 && output.size(1) == 1;
    if (!binary && (output.rank() != 2 || output.size(0) != n || output.size(1) != classes)) {
      throw new IllegalArgumentException(
          "expected the network's output to be ["
              + n
              + ", "
              + classes
              + "] (one row of class scores per example) but it is "
              + Arrays.toString(output.shape()));
    }
  }

  /**
   * The column of the largest value in row {@code row}; the first on ties, NaN never wins. A single
   * column is the logit of a binary head: class 1 when it is positive (p > 0.5).
   */
  public static int argmax(INDArray output, int row) {
    // The buffer of a view already starts at the view's offset: index it by strides alone.
    DataBuffer data = output.data();
    long rowStride = output.stride(0);
    long colStride = output.stride(1);
    int k = (int) output.size(1);
    long at = row * rowStride;
    if (k == 1) {
      return data.getDouble(at) > 0 ? 1 : 0;
    }
    int best = 0;
    double max = data.getDouble(at);
    for (int j = 1; j < k; j++) {
      double v = data.getDouble(at + j * colStride);
      if (v > max || (Double.isNaN(max) && !Double.isNaN(v))) {
        max = v;
        best = j;
      }
    }
    return best;
  }

  /** How many of the first {@code n} rows predict the class given for them. */
  public static int countCorrect(INDArray output, int[] classes, int n) {
    int correct = 0;
    for (int i = 0; i < n; i++) {
      if (argmax(output, i) == classes[i]) {
        correct++;
      }
    }
    return correct;
  }
}
