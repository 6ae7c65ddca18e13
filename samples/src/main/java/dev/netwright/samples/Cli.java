package dev.netwright.samples;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.IdxFormatException;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.ClassNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What the commands share: the default data, class names and the input check. */
final class Cli {
  /** Where Debian's dataset-fashion-mnist installs, the commands' default --data. */
  static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  private Cli() {}

  /**
   * The class names of the data in {@code dir}, judged by its name: Fashion-MNIST's for a directory
   * called like it, else none (the classes are numbered).
   */
  static List<String> classNames(Path dir, int classes) {
    String name = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT);
    return name.contains("fashion") && classes == ClassNames.FASHION_MNIST.size()
        ? ClassNames.FASHION_MNIST
        : List.of();
  }

  /** Class {@code c} as "9 Ankle boot", or "9" without names. */
  static String label(List<String> names, int c) {
    return names.isEmpty() ? String.valueOf(c) : c + " " + names.get(c);
  }

  /**
   * The IDX split {@code split} ("train" or "t10k") of {@code dir} as data for {@code model}:
   * labels 0 to classes - 1 of its classes (a user's network may score other than MNIST's ten); ten
   * for a network without classes, which {@link #checkInput} then refuses. Where labels pass the
   * network's classes, a wrong image shape is still the first thing said, then the labels.
   */
  static Dataset idx(Path dir, String split, Model model) throws IOException {
    int classes = model.classes() > 0 ? model.classes() : IdxDirectory.CLASSES;
    try {
      return idx(dir, split, classes);
    } catch (IdxFormatException e) {
      // Every label fits 256 classes (labels are bytes): if this read fails too, the files are
      // broken.
      Dataset any = idx(dir, split, 256);
      checkShape(model, any, dir);
      int top = 0;
      for (int i = 0; i < any.size(); i++) {
        top = Math.max(top, any.label(i));
      }
      throw new IllegalArgumentException(
          e.getMessage()
              + " ("
              + model.name()
              + " scores "
              + model.classes()
              + " classes; the labels run up to "
              + top
              + ")",
          e);
    }
  }

  private static Dataset idx(Path dir, String split, int classes) throws IOException {
    return split.equals("train")
        ? IdxDirectory.train(dir, Normalization.MNIST, classes)
        : IdxDirectory.test(dir, Normalization.MNIST, classes);
  }

  /** Fails with a message for the user when {@code data}'s images are not {@code model}'s input. */
  static void checkInput(Model model, Dataset data, Path dir) {
    checkShape(model, data, dir);
    if (model.classes() != data.classes()) {
      throw new IllegalArgumentException(
          model.name()
              + " scores "
              + model.classes()
              + " classes but "
              + dir
              + " has "
              + data.classes()
              + ": pick a network with "
              + data.classes()
              + " classes");
    }
  }

  private static void checkShape(Model model, Dataset data, Path dir) {
    int[] image = {data.channels(), data.height(), data.width()};
    if (!Arrays.equals(image, model.inputShape())) {
      throw new IllegalArgumentException(
          model.name()
              + " takes "
              + Arrays.toString(model.inputShape())
              + " images (channels, height, width) but "
              + dir
              + " holds "
              + Arrays.toString(image)
              + " images: pick a network for this data (SimpleNet, InceptionNet and ResNet take the 1x28x28 images"
              + " of MNIST and Fashion-MNIST), or data for this network");
    }
  }

  /** "1 epoch", "2 epochs". */
  static String count(long n, String word) {
    return String.format(Locale.ROOT, "%,d %s%s", n, word, n == 1 ? "" : "s");
  }
}
