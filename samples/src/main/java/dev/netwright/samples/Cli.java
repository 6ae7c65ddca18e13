package dev.netwright.samples;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.ClassNames;
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
   * The class names of the data in {@code dir}, judged by its name: Fashion-MNIST's for a
   * directory called like it, else none (the classes are numbered).
   */
  static List<String> classNames(Path dir, int classes) {
    String name = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT);
    return name.contains("fashion") && classes == ClassNames.FASHION_MNIST.size() ? ClassNames.FASHION_MNIST : List.of();
  }

  /** Class {@code c} as "9 Ankle boot", or "9" without names. */
  static String label(List<String> names, int c) {
    return names.isEmpty() ? String.valueOf(c) : c + " " + names.get(c);
  }

  /**
   * The IDX split {@code split} ("train" or "t10k") of {@code dir} as data for {@code model}: labels
   * 0 to classes - 1 of its classes (a user's network may score other than MNIST's ten); ten for
   * a network without classes, which {@link #checkInput} then refuses.
   */
  static Dataset idx(Path dir, String split, Model model) throws java.io.IOException {
    int classes = model.classes() > 0 ? model.classes() : IdxDirectory.CLASSES;
    return split.equals("train") ? IdxDirectory.train(dir, Normalization.MNIST, classes)
        : IdxDirectory.test(dir, Normalization.MNIST, classes);
  }

  /** Fails with a message for the user when {@code data}'s images are not {@code model}'s input. */
  static void checkInput(Model model, Dataset data, Path dir) {
    int[] image = {data.channels(), data.height(), data.width()};
    if (!Arrays.equals(image, model.inputShape())) {
      throw new IllegalArgumentException(model.name() + " takes " + Arrays.toString(model.inputShape())
          + " images (channels, height, width) but " + dir + " holds " + Arrays.toString(image)
          + " images: pick a network for this data (SimpleNet, InceptionNet and ResNet take the 1x28x28 images"
          + " of MNIST and Fashion-MNIST), or data for this network");
    }
    if (model.classes() != data.classes()) {
      throw new IllegalArgumentException(model.name() + " scores " + model.classes() + " classes but "
          + dir + " has " + data.classes() + ": pick a network with " + data.classes() + " classes");
    }
  }

  /** "1 epoch", "2 epochs". */
  static String count(long n, String word) {
    return String.format(Locale.ROOT, "%,d %s%s", n, word, n == 1 ? "" : "s");
  }
}
