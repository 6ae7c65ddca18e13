package dev.netwright.samples;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.Images;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.ClassNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code predict}: the class of one image and the probability of every class. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classify one image with a sample network and print the probability of every"
          + " class (the softmax of its logits).",
      "An image file (PNG, JPEG, GIF or BMP) is resized to the network's input, turned grey for a"
          + " one-channel network and normalised as in training; --idx and --index take an"
          + " example of an IDX test set instead."
    })
final class PredictCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 30;

  private final PrintStream out;

  PredictCommand(PrintStream out) {
    this.out = out;
  }

  @Mixin ModelOptions model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** Where the image comes from: a file, or an example of an IDX test set. */
  static final class Source {
    @Option(names = "--image", paramLabel = "FILE", required = true, description = "An image file.")
    Path image;

    @ArgGroup(exclusive = false, multiplicity = "1")
    IdxExample idx;
  }

  /** An example of an IDX directory's test split. */
  static final class IdxExample {
    @Option(
        names = "--idx",
        paramLabel = "DIR",
        required = true,
        description = "Directory holding IDX files, e.g. " + Cli.FASHION_MNIST + ".")
    Path dir;

    @Option(
        names = "--index",
        paramLabel = "K",
        required = true,
        description = "Which example of its test split (t10k), from 0.")
    int index;
  }

  @Option(
      names = "--invert",
      description =
          "Invert the image file's greys first: MNIST and Fashion-MNIST draw light things on"
              + " black, while a photo or a drawing is usually dark on light.")
  boolean invert;

  @Option(
      names = "--class-names",
      paramLabel = "fashion-mnist|mnist|numbers",
      description =
          "How to name the classes (default: Fashion-MNIST's for a network of 10 classes,"
              + " unless --idx names another data set).")
  String classNames;

  @Override
  public Integer call() throws IOException {
    Model net = model.load(out);
    if (net.classes() < 1) {
      throw new IllegalArgumentException(
          net.name() + " has no classifier head: it scores no classes");
    }
    List<String> names = names(net.classes());
    float[] pixels;
    int truth = -1;
    if (source.image != null) {
      pixels = readImage(net, source.image);
    } else {
      Dataset test = Cli.idx(source.idx.dir, "t10k", net);
      Cli.checkInput(net, test, source.idx.dir);
      int k = source.idx.index;
      if (k < 0 || k >= test.size()) {
        throw new IllegalArgumentException(
            "--index "
                + k
                + " is outside the "
                + Cli.count(test.size(), "example")
                + " of "
                + source.idx.dir
                + "'s test split: pick 0 to "
                + (test.size() - 1));
      }
      pixels = new float[test.imageSize()];
      test.copyImage(k, pixels, 0);
      truth = test.label(k);
      out.printf(
          Locale.ROOT,
          "test example %d of %s, true class %s%n",
          k,
          source.idx.dir,
          Cli.label(names, truth));
    }
    int[] shape = net.inputShape();
    INDArray input =
        Nd4j.create(pixels).reshape(1, shape[0], shape[1], shape[2]).castTo(net.dataType());
    net.setTraining(false);
    double[] p = probabilities(net, net.forward(input));
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      best = p[c] > p[best] ? c : best;
    }
    out.printf(
        Locale.ROOT,
        "prediction: %s, probability %.4f%s%n",
        Cli.label(names, best),
        p[best],
        truth < 0 ? "" : best == truth ? " (right)" : " (wrong)");
    int width = "class".length();
    for (int c = 0; c < p.length; c++) {
      width = Math.max(width, Cli.label(names, c).length());
    }
    out.printf(Locale.ROOT, "%-" + width + "s  probability%n", "class");
    for (int c = 0; c < p.length; c++) {
      out.printf(
          Locale.ROOT,
          "%-" + width + "s  %11.4f  %s%n",
          Cli.label(names, c),
          p[c],
          "#".repeat((int) Math.round(p[c] * BAR_WIDTH)));
    }
    return 0;
  }

  private List<String> names(int classes) {
    String which = classNames;
    if (which == null) {
      if (source.idx != null) {
        return Cli.classNames(source.idx.dir, classes);
      }
      which = classes == ClassNames.FASHION_MNIST.size() ? "fashion-mnist" : "numbers";
    }
    List<String> names =
        switch (which.toLowerCase(Locale.ROOT)) {
          case "fashion-mnist" -> ClassNames.FASHION_MNIST;
          case "mnist" -> ClassNames.MNIST;
          case "numbers" -> List.of();
          default ->
              throw new IllegalArgumentException(
                  "--class-names " + which + ": expected fashion-mnist, mnist or numbers");
        };
    if (!names.isEmpty() && names.size() != classes) {
      throw new IllegalArgumentException(
          "--class-names "
              + which
              + " names "
              + names.size()
              + " classes, but the network scores "
              + classes);
    }
    return names;
  }

  /** The image file as the network's input: resized, grey for one channel, normalised. */
  private float[] readImage(Model net, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such image file");
    }
    int[] shape = net.inputShape();
    int channels = shape[0];
    int plane = shape[1] * shape[2];
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          net.name()
              + " takes "
              + channels
              + "-channel images; an image"
              + " file gives 1 (grey) or 3 (RGB)");
    }
    float[] rgb = Images.read(file, shape[1], shape[2]);
    float[] x = channels == 3 ? rgb : new float[plane];
    if (channels == 1) {
      for (int i = 0; i < plane; i++) { // ITU-R 601 luma, as PIL's convert("L")
        x[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
      }
    }
    Normalization norm = Normalization.MNIST;
    for (int i = 0; i < x.length; i++) {
      float v = invert ? 1 - x[i] : x[i];
      x[i] = (v - norm.mean()) / norm.std();
    }
    out.printf(
        Locale.ROOT,
        "image %s as %dx%d %s%s, normalised as MNIST%n",
        file,
        shape[2],
        shape[1],
        channels == 1 ? "grey" : "RGB",
        invert ? ", inverted" : "");
    return x;
  }

  /**
   * The probability of each class: the softmax of the logits, or for a binary head's single logit
   * z, [1 − σ(z), σ(z)].
   */
  static double[] probabilities(Model net, INDArray output) {
    int k = (int) output.size(1);
    double[] z = new double[k];
    for (int j = 0; j < k; j++) {
      z[j] = output.getDouble(0, j);
    }
    if (net.head() == HeadType.SIGMOID_BINARY_CROSS_ENTROPY && k == 1) {
      double p = 1 / (1 + Math.exp(-z[0]));
      return new double[] {1 - p, p};
    }
    double max = Arrays.stream(z).max().orElse(0);
    double sum = 0;
    double[] p = new double[k];
    for (int j = 0; j < k; j++) {
      p[j] = Math.exp(z[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < k; j++) {
      p[j] /= sum;
    }
    return p;
  }
}
