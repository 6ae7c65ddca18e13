package dev.netwright.runtime.data;

/**
 * Maps a pixel byte b to {@code (b / 255 − mean) / std}, in float arithmetic like PyTorch's {@code
 * ToTensor()} followed by {@code Normalize(mean, std)}.
 *
 * @param mean subtracted after scaling to [0, 1]
 * @param std divided by after subtracting the mean; positive
 */
public record Normalization(float mean, float std) {
  /**
   * The usual MNIST statistics, also used for Fashion-MNIST for parity with the PyTorch lecture.
   */
  public static final Normalization MNIST = new Normalization(0.1307f, 0.3081f);

  /** No normalisation beyond scaling to [0, 1]. */
  public static final Normalization NONE = new Normalization(0f, 1f);

  /** Checks that mean is finite and std is finite and positive. */
  public Normalization {
    if (!Float.isFinite(mean) || !Float.isFinite(std) || !(std > 0f)) {
      throw new IllegalArgumentException(
          "Normalization(mean = "
              + mean
              + ", std = "
              + std
              + "): expected a finite mean and a finite, positive std, e.g. Normalization.MNIST "
              + "(0.1307, 0.3081) or Normalization.NONE (0, 1)");
    }
  }

  /** The normalised value of a pixel byte, 0 to 255. */
  public float apply(int unsignedByte) {
    return (unsignedByte / 255f - mean) / std;
  }

  /** The normalised value of every byte, indexed by the unsigned byte. */
  float[] table() {
    float[] table = new float[256];
    for (int b = 0; b < table.length; b++) {
      table[b] = apply(b);
    }
    return table;
  }
}
