package dev.netwright.runtime.data;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads MNIST-style directories: the four IDX files {@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each
 * gzipped ({@code .gz}) or not, also spelled {@code t10k-images.idx3-ubyte} and so on.
 * Fashion-MNIST and MNIST both come this way, with 10 classes.
 */
public final class IdxDirectory {
  /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /** Number of classes in MNIST and Fashion-MNIST. */
  public static final int CLASSES = 10;

  private static final String HOW_TO_GET =
      "to get Fashion-MNIST run "
          + "`sudo apt-get install dataset-fashion-mnist` (it installs into "
          + DEBIAN_FASHION_MNIST
          + "), or pass a directory holding the four IDX files train-images-idx3-ubyte, "
          + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, gzipped or "
          + "not (MNIST works the same way)";

  private IdxDirectory() {}

  /** Loads the training split, {@code train-*}: 60,000 images for MNIST and Fashion-MNIST. */
  public static Dataset train(Path dir, Normalization norm) throws IOException {
    return load(dir, "train", norm);
  }

  /** The training split of a data set of {@code classes} classes (labels 0 to classes - 1). */
  public static Dataset train(Path dir, Normalization norm, int classes) throws IOException {
    return load(dir, "train", norm, classes);
  }

  /** Loads the test split, {@code t10k-*}: 10,000 images for MNIST and Fashion-MNIST. */
  public static Dataset test(Path dir, Normalization norm) throws IOException {
    return load(dir, "t10k", norm);
  }

  /** The test split of a data set of {@code classes} classes (labels 0 to classes - 1). */
  public static Dataset test(Path dir, Normalization norm, int classes) throws IOException {
    return load(dir, "t10k", norm, classes);
  }

  private static Dataset load(Path dir, String split, Normalization norm) throws IOException {
    return load(dir, split, norm, CLASSES);
  }

  private static Dataset load(Path dir, String split, Normalization norm, int classes)
      throws IOException {
    checkDirectory(dir);
    Path images = find(dir, split, "images", "idx3");
    Path labels = find(dir, split, "labels", "idx1");
    return Dataset.idx(images, labels, classes, norm);
  }

  private static void checkDirectory(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new NoSuchFileException(
          dir.toString(),
          null,
          "no such directory; expected a "
              + "directory holding MNIST-style IDX files: "
              + HOW_TO_GET);
    }
    if (!Files.isDirectory(dir)) {
      throw new FileSystemException(
          dir.toString(),
          null,
          "is a file, not a directory; expected "
              + "the directory holding the IDX files, e.g. "
              + dir.toAbsolutePath().getParent());
    }
  }

  /** The first existing spelling: plain before gzipped, {@code -idx3} before {@code .idx3}. */
  static Path find(Path dir, String split, String kind, String idxType) throws IOException {
    String dashed = split + "-" + kind + "-" + idxType + "-ubyte";
    String dotted = split + "-" + kind + "." + idxType + "-ubyte";
    List<String> candidates = List.of(dashed, dashed + ".gz", dotted, dotted + ".gz");
    for (String candidate : candidates) {
      Path file = dir.resolve(candidate);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    throw new NoSuchFileException(
        dir.resolve(dashed + ".gz").toString(),
        null,
        "missing: no "
            + dashed
            + "[.gz] (nor "
            + dotted
            + "[.gz]) in "
            + dir
            + ", which holds "
            + listing(dir)
            + "; "
            + HOW_TO_GET);
  }

  private static String listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
      if (names.isEmpty()) {
        return "nothing";
      }
      int shown = Math.min(names.size(), 10);
      return String.join(", ", names.subList(0, shown))
          + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
    }
  }
}
