package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.Idx.n;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a folder of class folders of images (torchvision's {@code ImageFolder} layout: {@code
 * root/cat/*.jpg}, {@code root/dog/*.png}) as RGB data sets split into train and test.
 *
 * <p>Classes are the sub-folders of the root sorted by name (String order, as torchvision), and
 * class k is the k-th. A class's images are the files in its folder and below, in path order. Names
 * starting with a dot ({@code .DS_Store}, {@code .ipynb_checkpoints}) are ignored, and so are files
 * directly in the root. Each image is read by {@link Images#read}: RGB, resized bilinearly
 * (antialiased when shrinking), scaled to [0, 1], stored [3, height, width]. Decoding runs in
 * parallel; the result depends only on the files and the seed.
 */
public final class ImageFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
  private static final int LOGGED_SKIPS = 10;
  private static final String LAYOUT =
      "one sub-folder of images per class, e.g. root/cat/1.jpg and root/non-cat/1.jpg";

  private ImageFolder() {}

  /**
   * A train/test split of an image folder.
   *
   * @param classes the class names, indexed by label
   * @param skipped the unreadable files skipped, in path order; empty unless asked to skip
   */
  public record Split(Dataset train, Dataset test, List<String> classes, List<Path> skipped) {
    /** Copies the lists. */
    public Split {
      classes = List.copyOf(classes);
      skipped = List.copyOf(skipped);
    }
  }

  /** As {@link #load(Path, int, int, double, long, boolean)}, failing on any unreadable file. */
  public static Split load(Path root, int height, int width, double testFraction, long seed)
      throws IOException {
    return load(root, height, width, testFraction, seed, false);
  }

  /**
   * Loads every image under {@code root} at height×width and splits each class at random into train
   * and test, {@code round(testFraction × images)} of each class going to test, so both sides keep
   * the class balance. Both data sets come shuffled. The same files and seed give the same split.
   *
   * @param skipUnreadable skip files that are not readable images (logging each, listing them in
   *     {@link Split#skipped()}) instead of failing on the first
   * @throws DataFileException naming the file or folder: an unreadable file, an empty class folder,
   *     fewer than two classes
   * @throws IllegalArgumentException if the sizes are not positive, testFraction is not in (0, 1),
   *     or it would leave a class out of train or test
   */
  public static Split load(
      Path root, int height, int width, double testFraction, long seed, boolean skipUnreadable)
      throws IOException {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image size "
              + height
              + "×"
              + width
              + " (height×width); expected positive sizes, e.g. 128×128 as in the cat tutorial");
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException(
          "testFraction = "
              + testFraction
              + "; expected a fraction "
              + "strictly between 0 and 1, e.g. 0.2 to keep a fifth of each class for testing");
    }
    List<Path> folders = classFolders(root);
    List<Path> files = new ArrayList<>();
    List<Integer> labelList = new ArrayList<>();
    for (int c = 0; c < folders.size(); c++) {
      List<Path> found = images(folders.get(c));
      if (found.isEmpty()) {
        throw new DataFileException(
            folders.get(c),
            "class folder '"
                + name(folders.get(c))
                + "' holds no files; expected its images (PNG, JPEG, GIF or BMP): add some, or remove "
                + "the folder");
      }
      files.addAll(found);
      for (int k = 0; k < found.size(); k++) {
        labelList.add(c);
      }
    }
    long floats = (long) files.size() * 3 * height * width;
    if (floats > Idx.MAX_BYTES) {
      throw new IllegalArgumentException(
          n(files.size())
              + " images of 3×"
              + height
              + "×"
              + width
              + " need "
              + n(floats)
              + " floats, more than the "
              + n(Idx.MAX_BYTES)
              + " one Java "
              + "array holds; load at a smaller size or split the folder");
    }

    float[][] images = new float[files.size()][];
    DataFileException[] errors = new DataFileException[files.size()];
    IntStream.range(0, files.size())
        .parallel()
        .forEach(
            i -> {
              try {
                images[i] = Images.read(files.get(i), height, width);
              } catch (DataFileException e) {
                errors[i] = e;
              } catch (IOException e) {
                errors[i] = new DataFileException(files.get(i), "cannot read (" + e + ")", e);
              }
            });

    List<Path> skipped = new ArrayList<>();
    int[] perClass = new int[folders.size()];
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      DataFileException e = errors[i];
      if (e == null) {
        kept.add(i);
        perClass[labelList.get(i)]++;
      } else if (!skipUnreadable) {
        throw new DataFileException(
            e.file(),
            e.problem() + "; or load with skipUnreadable = true " + "to skip unreadable files",
            e);
      } else {
        skipped.add(e.file());
        if (skipped.size() <= LOGGED_SKIPS) {
          LOG.warn("skipped {}", e.getMessage());
        }
      }
    }
    if (!skipped.isEmpty()) {
      LOG.warn(
          "{}: skipped {} of {}{}",
          root,
          count(skipped.size(), "unreadable file"),
          n(files.size()),
          skipped.size() > LOGGED_SKIPS
              ? " (the first " + LOGGED_SKIPS + " are listed above, all " + "in Split.skipped())"
              : "");
    }
    for (int c = 0; c < folders.size(); c++) {
      if (perClass[c] == 0) {
        throw new DataFileException(
            folders.get(c),
            "class folder '"
                + name(folders.get(c))
                + "' holds no readable image: all its files were skipped as unreadable (see the log); "
                + "add images, or remove the folder");
      }
    }

    int[][] byClass = new int[folders.size()][];
    for (int c = 0; c < folders.size(); c++) {
      byClass[c] = new int[perClass[c]];
    }
    int[] filled = new int[folders.size()];
    for (int i : kept) {
      int c = labelList.get(i);
      byClass[c][filled[c]++] = i;
    }
    return split(folders, byClass, images, labelList, height, width, testFraction, seed, skipped);
  }

  private static Split split(
      List<Path> folders,
      int[][] byClass,
      float[][] images,
      List<Integer> labels,
      int height,
      int width,
      double testFraction,
      long seed,
      List<Path> skipped)
      throws DataFileException {
    int[] testCounts = new int[byClass.length];
    int smallest = Integer.MAX_VALUE;
    for (int[] members : byClass) {
      smallest = Math.min(smallest, members.length);
    }
    for (int c = 0; c < byClass.length; c++) {
      int size = byClass[c].length;
      if (size < 2) {
        throw new DataFileException(
            folders.get(c),
            "class folder '"
                + name(folders.get(c))
                + "' holds only 1 readable image; a train/test split needs at least 2 per class (one "
                + "each side): add images, or remove the folder");
      }
      testCounts[c] = (int) Math.round(size * testFraction);
      if (testCounts[c] == 0 || testCounts[c] == size) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "testFraction = %s leaves "
                    + "the %s set without class '%s': its folder %s holds %d images and %s × %d rounds to "
                    + "%d; with %d images in the smallest class use a testFraction in [%.2f, %.2f), or "
                    + "add images",
                testFraction,
                testCounts[c] == 0 ? "test" : "training",
                name(folders.get(c)),
                folders.get(c),
                size,
                testFraction,
                size,
                testCounts[c],
                smallest,
                Math.ceil(50.0 / smallest) / 100,
                Math.floor(100 - 50.0 / smallest) / 100));
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int c = 0; c < byClass.length; c++) {
      int[] members = byClass[c].clone();
      shuffle(members, random);
      for (int j = 0; j < members.length; j++) {
        (j < testCounts[c] ? test : train).add(members[j]);
      }
    }
    List<String> names = folders.stream().map(ImageFolder::name).collect(Collectors.toList());
    return new Split(
        dataset(train, images, labels, names.size(), height, width, random),
        dataset(test, images, labels, names.size(), height, width, random),
        names,
        skipped);
  }

  private static Dataset dataset(
      List<Integer> chosen,
      float[][] images,
      List<Integer> labels,
      int classes,
      int height,
      int width,
      SplittableRandom random) {
    int[] order = chosen.stream().mapToInt(Integer::intValue).toArray();
    shuffle(order, random);
    int size = 3 * height * width;
    float[] pixels = new float[order.length * size];
    int[] y = new int[order.length];
    for (int j = 0; j < order.length; j++) {
      System.arraycopy(images[order[j]], 0, pixels, j * size, size);
      y[j] = labels.get(order[j]);
    }
    return Dataset.of(3, height, width, classes, pixels, y);
  }

  /**
   * A balanced two-class data set from a multi-class one, the tutorial's "cat or not": label 1 for
   * each example of {@code positiveClass}, label 0 for as many drawn at random (seeded, without
   * replacement) from all the other classes, shuffled. When the other classes hold fewer examples
   * than the positive one, all of them are taken and as many positives drawn, so the result is
   * always balanced. Copies the pixels.
   */
  public static Dataset oneVersusRest(Dataset data, int positiveClass, long seed) {
    if (positiveClass < 0 || positiveClass >= data.classes()) {
      throw new IllegalArgumentException(
          "oneVersusRest: positiveClass = "
              + positiveClass
              + " is outside [0, "
              + data.classes()
              + "); expected the index of a class of "
              + data
              + ", e.g. split.classes().indexOf(\"cat\")");
    }
    int positives = data.classCounts()[positiveClass];
    int negatives = data.size() - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException(
          "oneVersusRest: "
              + data
              + " holds "
              + n(positives)
              + " examples of class "
              + positiveClass
              + " and "
              + n(negatives)
              + " of the others; "
              + "expected some of each");
    }
    int[] pos = new int[positives];
    int[] neg = new int[negatives];
    int p = 0;
    int q = 0;
    for (int i = 0; i < data.size(); i++) {
      if (data.label(i) == positiveClass) {
        pos[p++] = i;
      } else {
        neg[q++] = i;
      }
    }
    int half = Math.min(positives, negatives);
    if (half < positives) {
      LOG.info(
          "oneVersusRest: class {} has {} examples but the others only {}; using {} of each",
          positiveClass,
          n(positives),
          n(negatives),
          n(half));
    }
    SplittableRandom random = new SplittableRandom(seed);
    shuffle(pos, random);
    shuffle(neg, random);
    int[] order = new int[2 * half];
    int[] labels = new int[2 * half];
    for (int j = 0; j < half; j++) {
      order[j] = pos[j];
      labels[j] = 1;
      order[half + j] = neg[j];
    }
    int[] perm = IntStream.range(0, order.length).toArray();
    shuffle(perm, random);
    int size = data.imageSize();
    float[] pixels = new float[order.length * size];
    int[] y = new int[order.length];
    for (int j = 0; j < perm.length; j++) {
      data.copyImage(order[perm[j]], pixels, j * size);
      y[j] = labels[perm[j]];
    }
    return Dataset.of(data.channels(), data.height(), data.width(), 2, pixels, y);
  }

  /** Fisher–Yates, as BatchLoader shuffles. */
  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static List<Path> classFolders(Path root) throws IOException {
    if (!Files.exists(root)) {
      throw new NoSuchFileException(
          root.toString(), null, "no such folder; expected a folder " + "with " + LAYOUT);
    }
    if (!Files.isDirectory(root)) {
      throw new DataFileException(
          root, "is a file, not a folder; expected a folder with " + LAYOUT);
    }
    List<Path> folders;
    long files;
    try (Stream<Path> entries = Files.list(root)) {
      List<Path> visible = entries.filter(p -> !name(p).startsWith(".")).toList();
      folders =
          visible.stream()
              .filter(Files::isDirectory)
              .sorted(Comparator.comparing(ImageFolder::name))
              .toList();
      files = visible.size() - folders.size();
    }
    if (folders.size() < 2) {
      throw new DataFileException(
          root,
          "holds "
              + folders.size()
              + " class folder"
              + (folders.size() == 1 ? " ('" + name(folders.get(0)) + "')" : "s")
              + " and "
              + count(files, "other file")
              + "; expected at least 2 classes, "
              + LAYOUT
              + " (for one class against the rest, load all classes and use "
              + "ImageFolder.oneVersusRest)");
    }
    return folders;
  }

  /** The visible regular files in a class folder and below, in path order. */
  private static List<Path> images(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(folder.relativize(p)))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String count(long count, String noun) {
    return n(count) + " " + noun + (count == 1 ? "" : "s");
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }
}
