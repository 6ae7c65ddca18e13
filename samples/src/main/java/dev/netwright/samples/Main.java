package dev.netwright.samples;

import dev.netwright.runtime.Model;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.ClassNames;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Threads;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: train or summarise a sample network on Fashion-MNIST (or MNIST). */
@Command(name = "netwright", mixinStandardHelpOptions = true, version = "netwright 0.1.0",
    description = "Train and inspect Netwright's sample networks.")
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Main() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.setProperty("org.nd4j.log.initialization", "false");
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Main())
        .addSubcommand(new Train(out))
        .addSubcommand(new Summary(out))
        .addSubcommand(new Diagram(out))
        .addSubcommand(new DigitsCommand(out))
        .addSubcommand(new DenseCommand(out));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  /** {@code train}: the main job. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a sample network and report test accuracy and throughput.")
  static final class Train implements Callable<Integer> {
    private final PrintStream out;

    Train(PrintStream out) {
      this.out = out;
    }

    @Option(names = {"-n", "--network"}, defaultValue = "SimpleNet",
        description = "Sample network (default: ${DEFAULT-VALUE}).")
    String network;

    @Option(names = {"-d", "--data"}, description = "Directory holding the four IDX files of"
        + " Fashion-MNIST or MNIST (default: ${DEFAULT-VALUE}).",
        defaultValue = "/usr/share/datasets/fashion-mnist")
    Path data;

    @Option(names = {"-e", "--epochs"}, defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.5", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0",
        description = "ND4J threads; 0 keeps OpenMP's default, one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--limit", defaultValue = "0",
        description = "Use only the first N training images, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      Model model = Samples.create(network, seed);
      Dataset train = IdxDirectory.train(data, Normalization.MNIST);
      Dataset test = IdxDirectory.test(data, Normalization.MNIST);
      if (limit > 0) {
        train = train.head(limit);
      }
      out.println(model.summary());
      out.printf(Locale.ROOT, "data: %s (%,d training, %,d test images)%n", data, train.size(), test.size());
      if (threads > 0) {
        Threads.set(threads);
      }
      out.printf(Locale.ROOT, "SGD lr %s, momentum %s, batch %d, %d epoch%s, seed %d; %s%n",
          learningRate, momentum, batchSize, epochs, epochs == 1 ? "" : "s", seed, Threads.describe());
      try (BatchLoader trainLoader = new BatchLoader(train, batchSize, true, seed, DataType.FLOAT);
          BatchLoader testLoader = new BatchLoader(test, 1000, false, seed, DataType.FLOAT)) {
        List<EpochResult> history = Trainer.builder().epochs(epochs).out(out).quiet(quiet).build()
            .fit(model, new Sgd(model.parameters(), learningRate, momentum), trainLoader, testLoader);
        Evaluation evaluation = Evaluation.of(model, testLoader);
        out.println(evaluation.format(ClassNames.FASHION_MNIST.size() == model.classes()
            && data.toString().contains("fashion") ? ClassNames.FASHION_MNIST : null));
        EpochResult last = history.get(history.size() - 1);
        out.printf(Locale.ROOT, "%s: test accuracy %.2f%% after %d epoch%s, %,.0f training images/s%n",
            model.name(), 100 * evaluation.accuracy(), epochs, epochs == 1 ? "" : "s",
            last.imagesPerSecond());
      }
      return 0;
    }
  }

  /** {@code summary}: the compile-time summary table of a sample. */
  @Command(name = "summary", mixinStandardHelpOptions = true,
      description = "Print a sample network's summary table.")
  static final class Summary implements Callable<Integer> {
    private final PrintStream out;

    Summary(PrintStream out) {
      this.out = out;
    }

    @Option(names = {"-n", "--network"}, defaultValue = "SimpleNet",
        description = "Sample network (default: ${DEFAULT-VALUE}).")
    String network;

    @Override
    public Integer call() {
      out.print(Samples.find(network).summary());
      return 0;
    }
  }

  /** {@code diagram}: the Graphviz DOT diagram of a sample, printed or saved. */
  @Command(name = "diagram", mixinStandardHelpOptions = true,
      description = "Print a sample network's Graphviz DOT diagram, or save it with --output"
          + " (render with: dot -Tsvg FILE -o net.svg).")
  static final class Diagram implements Callable<Integer> {
    private final PrintStream out;

    Diagram(PrintStream out) {
      this.out = out;
    }

    @Option(names = {"-n", "--network"}, defaultValue = "SimpleNet",
        description = "Sample network (default: ${DEFAULT-VALUE}).")
    String network;

    @Option(names = {"-o", "--output"}, description = "Write the DOT file here instead of printing it.")
    Path output;

    @Override
    public Integer call() throws IOException {
      String dot = Samples.find(network).diagram();
      if (output == null) {
        out.print(dot);
      } else {
        java.nio.file.Files.writeString(output, dot);
        out.println("wrote " + output);
      }
      return 0;
    }
  }

  /** {@code digits}: the TensorFlow walk-through's CNN on scikit-learn's 8x8 digits. */
  @Command(name = "digits", mixinStandardHelpOptions = true,
      description = "Train DigitsCnn on the 1,797 8x8 digits (Adam 1e-3, batch 8) and report its"
          + " training accuracy.")
  static final class DigitsCommand implements Callable<Integer> {
    private final PrintStream out;

    DigitsCommand(PrintStream out) {
      this.out = out;
    }

    @Option(names = "--data", description = "digits.csv.gz (default: ${DEFAULT-VALUE}, from python3-sklearn).",
        defaultValue = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz")
    Path data;

    @Option(names = {"-e", "--epochs"}, defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      SmallClassics.digits(data, epochs, seed, out, quiet);
      return 0;
    }
  }

  /** {@code dense}: the NumPy tutorial's L-layer network on a folder of images. */
  @Command(name = "dense", mixinStandardHelpOptions = true,
      description = "Train CatClassifier (dense 49152-20-7-5-1, sigmoid, binary cross-entropy) on a"
          + " folder of images with one sub-folder per class, by full-batch gradient descent.")
  static final class DenseCommand implements Callable<Integer> {
    private final PrintStream out;

    DenseCommand(PrintStream out) {
      this.out = out;
    }

    @Option(names = "--images", required = true, description = "Folder with one sub-folder of images per class.")
    Path images;

    @Option(names = "--positive", required = true, description = "The class to tell apart (label 1), e.g. cat.")
    String positive;

    @Option(names = "--iterations", defaultValue = "2500", description = "Iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--lr", defaultValue = "0.0075", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      SmallClassics.dense(images, positive, iterations, learningRate, seed, out);
      return 0;
    }
  }
}
