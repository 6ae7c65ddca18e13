package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.Idx.n;

import java.io.IOException;
import java.nio.file.Path;

/** An in-memory set of labelled images, pixels already normalised, stored as one float array. */
public final class Dataset {
  private final int channels;
  private final int height;
  private final int width;
  private final int classes;
  private final float[] pixels; // [size, channels, height, width], c-order
  private final int[] labels;

  private Dataset(int channels, int height, int width, int classes, float[] pixels, int[] labels) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
    this.pixels = pixels;
    this.labels = labels;
  }

  /**
   * Loads an IDX image file and its IDX label file (each gzip or plain), normalising the pixels.
   *
   * @throws IdxFormatException if a file is malformed, the counts differ or a label is not in [0,
   *     classes)
   */
  public static Dataset idx(Path imagesFile, Path labelsFile, int classes, Normalization norm)
      throws IOException {
    checkClasses(classes);
    IdxImages images = Idx.readImages(imagesFile);
    IdxLabels idxLabels = Idx.readLabels(labelsFile);
    if (images.count() != idxLabels.count()) {
      throw new IdxFormatException(
          imagesFile
              + " holds "
              + n(images.count())
              + " images but "
              + labelsFile
              + " holds "
              + n(idxLabels.count())
              + " labels; expected one label per "
              + "image: are both files from the same split (train or t10k) and the same data set?");
    }
    int[] labels = new int[idxLabels.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = idxLabels.label(i);
      if (labels[i] >= classes) {
        throw new IdxFormatException(
            labelsFile
                + ": label "
                + labels[i]
                + " at index "
                + n(i)
                + " is outside [0, "
                + classes
                + "); expected class indices 0 to "
                + (classes - 1)
                + ": is classes = "
                + classes
                + " right for this data set?");
      }
    }
    byte[] bytes = images.bytes();
    float[] table = norm.table();
    float[] pixels = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      pixels[i] = table[bytes[i] & 0xff];
    }
    return new Dataset(1, images.rows(), images.cols(), classes, pixels, labels);
  }

  /**
   * Wraps pixels already normalised, [size, channels, height, width] in c-order, and their labels.
   * The arrays are shared, not copied.
   */
  public static Dataset of(
      int channels, int height, int width, int classes, float[] pixels, int[] labels) {
    checkClasses(classes);
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "Dataset.of: image shape "
              + channels
              + "×"
              + height
              + "×"
              + width
              + " (channels×height×width); expected positive sizes");
    }
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "Dataset.of: "
              + n(labels.length)
              + " labels of "
              + channels
              + "×"
              + height
              + "×"
              + width
              + " images need "
              + n(expected)
              + " pixels, but pixels holds "
              + n(pixels.length)
              + "; expected one image per label");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "Dataset.of: label "
                + labels[i]
                + " at index "
                + n(i)
                + " is outside [0, "
                + classes
                + "); expected class indices 0 to "
                + (classes - 1));
      }
    }
    return new Dataset(channels, height, width, classes, pixels, labels);
  }

  private static void checkClasses(int classes) {
    if (classes <= 0) {
      throw new IllegalArgumentException(
          "classes = "
              + classes
              + "; expected a positive number "
              + "of classes, e.g. 10 for MNIST and Fashion-MNIST");
    }
  }

  /**
   * The first {@code count} examples (all of them when there are fewer), for quick runs on a
   * subset. Copies the pixels.
   */
  public Dataset head(int count) {
    if (count <= 0) {
      throw new IllegalArgumentException(
          "head(" + count + "): expected a positive number of examples");
    }
    int n = Math.min(count, size());
    int image = channels * height * width;
    return new Dataset(
        channels,
        height,
        width,
        classes,
        java.util.Arrays.copyOf(pixels, n * image),
        java.util.Arrays.copyOf(labels, n));
  }

  /** Number of examples. */
  public int size() {
    return labels.length;
  }

  /** Channels per image (1 for IDX files). */
  public int channels() {
    return channels;
  }

  /** Image height in pixels. */
  public int height() {
    return height;
  }

  /** Image width in pixels. */
  public int width() {
    return width;
  }

  /** Number of classes K; every label is in [0, K). */
  public int classes() {
    return classes;
  }

  /** Values per image: channels × height × width. */
  public int imageSize() {
    return channels * height * width;
  }

  /** The class of example {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** The normalised value at (channel, y, x) of image {@code i}. */
  public float pixel(int i, int channel, int y, int x) {
    return pixels[((i * channels + channel) * height + y) * width + x];
  }

  /** Copies image {@code i}, c-order, into {@code dst} from {@code offset} on. */
  public void copyImage(int i, float[] dst, int offset) {
    int n = imageSize();
    System.arraycopy(pixels, i * n, dst, offset, n);
  }

  /**
   * Copies image {@code i}, c-order, widened to double, into {@code dst} from {@code offset} on.
   */
  public void copyImage(int i, double[] dst, int offset) {
    int n = imageSize();
    int from = i * n;
    for (int k = 0; k < n; k++) {
      dst[offset + k] = pixels[from + k];
    }
  }

  /** The number of examples of each class, indexed by class. */
  public int[] classCounts() {
    int[] counts = new int[classes];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  @Override
  public String toString() {
    return "Dataset["
        + n(size())
        + " images of "
        + channels
        + "×"
        + height
        + "×"
        + width
        + ", "
        + classes
        + " classes]";
  }
}
