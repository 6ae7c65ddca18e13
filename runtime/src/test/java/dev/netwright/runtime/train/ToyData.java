package dev.netwright.runtime.train;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/** Linearly separable blobs: K classes of 1×4×4 images around K well-spread means. */
final class ToyData {
  static final int CLASSES = 3;
  static final int SIDE = 4;

  private ToyData() {}

  /** {@code size} examples; the means depend only on the class, the noise on {@code seed}. */
  static Dataset blobs(int size, long seed) {
    int f = SIDE * SIDE;
    SplittableRandom means = new SplittableRandom(1234);
    double[][] mean = new double[CLASSES][f];
    for (double[] m : mean) {
      for (int j = 0; j < f; j++) {
        m[j] = means.nextDouble(-1, 1);
      }
    }
    SplittableRandom noise = new SplittableRandom(seed);
    float[] pixels = new float[size * f];
    int[] labels = new int[size];
    for (int i = 0; i < size; i++) {
      labels[i] = i % CLASSES;
      for (int j = 0; j < f; j++) {
        pixels[i * f + j] = (float) (mean[labels[i]][j] + (noise.nextDouble() - 0.5));
      }
    }
    return Dataset.of(1, SIDE, SIDE, CLASSES, pixels, labels);
  }

  static BatchLoader loader(Dataset data, int batch, boolean shuffle) {
    return new BatchLoader(data, batch, shuffle, 7, DataType.FLOAT);
  }

  static SoftmaxRegression model() {
    return new SoftmaxRegression(1, SIDE, SIDE, CLASSES, 42);
  }
}
