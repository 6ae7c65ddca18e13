package dev.netwright.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line: train, evaluate, query, summarise or draw a sample network on Fashion-MNIST (or
 * MNIST), and the two small classics. Each command is a picocli {@code Callable} that writes to the
 * stream it is given, so tests run them in-process.
 */
@Command(
    name = "netwright",
    mixinStandardHelpOptions = true,
    version = "netwright 0.1.0",
    description = "Train, evaluate, inspect and export Netwright's sample networks, or your own.")
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
    CommandLine cli =
        new CommandLine(new Main())
            .addSubcommand(new TrainCommand(out))
            .addSubcommand(new EvaluateCommand(out))
            .addSubcommand(new PredictCommand(out))
            .addSubcommand(new Summary(out))
            .addSubcommand(new DiagramCommand(out))
            .addSubcommand(new ExportCommand(out))
            .addSubcommand(new DigitsCommand(out))
            .addSubcommand(new DenseCommand(out));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine
              .getErr()
              .println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
          return 1;
        });
    return cli.execute(args);
  }

  /** {@code summary}: the compile-time summary table of a sample. */
  @Command(
      name = "summary",
      mixinStandardHelpOptions = true,
      description = "Print a sample network's summary table.")
  static final class Summary implements Callable<Integer> {
    private final PrintStream out;

    Summary(PrintStream out) {
      this.out = out;
    }

    @Mixin NetworkOption network;

    @Override
    public Integer call() {
      out.print(Samples.find(network.name).summary());
      return 0;
    }
  }

  /** {@code digits}: the TensorFlow walk-through's CNN on scikit-learn's 8x8 digits. */
  @Command(
      name = "digits",
      mixinStandardHelpOptions = true,
      description =
          "Train DigitsCnn on the 1,797 8x8 digits (Adam 1e-3, batch 8) and report its"
              + " training accuracy.")
  static final class DigitsCommand implements Callable<Integer> {
    private final PrintStream out;

    DigitsCommand(PrintStream out) {
      this.out = out;
    }

    @Option(
        names = "--data",
        description = "digits.csv.gz (default: ${DEFAULT-VALUE}, from python3-sklearn).",
        defaultValue = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz")
    Path data;

    @Option(
        names = {"-e", "--epochs"},
        defaultValue = "30",
        description = "Epochs (default: ${DEFAULT-VALUE}).")
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
  @Command(
      name = "dense",
      mixinStandardHelpOptions = true,
      description =
          "Train CatClassifier (dense 49152-20-7-5-1, sigmoid, binary cross-entropy) on a"
              + " folder of images with one sub-folder per class, by full-batch gradient descent.")
  static final class DenseCommand implements Callable<Integer> {
    private final PrintStream out;

    DenseCommand(PrintStream out) {
      this.out = out;
    }

    @Option(
        names = "--images",
        required = true,
        description = "Folder with one sub-folder of images per class.")
    Path images;

    @Option(
        names = "--positive",
        required = true,
        description = "The class to tell apart (label 1), e.g. cat.")
    String positive;

    @Option(
        names = "--iterations",
        defaultValue = "2500",
        description = "Iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
        names = "--lr",
        defaultValue = "0.0075",
        description = "Learning rate (default: ${DEFAULT-VALUE}).")
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
