package dev.netwright.samples;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the main job. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a sample network on IDX data (Fashion-MNIST by default) and report test"
            + " accuracy, the confusion matrix and throughput.")
final class TrainCommand implements Callable<Integer> {
  /** The optimizers on offer. */
  enum OptimizerKind {
    SGD,
    ADAM
  }

  private final PrintStream out;

  TrainCommand(PrintStream out) {
    this.out = out;
  }

  @Mixin NetworkOption network;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "DIR",
      defaultValue = Cli.FASHION_MNIST,
      description =
          "Directory holding the four IDX files of Fashion-MNIST or MNIST (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = {"-e", "--epochs"},
      defaultValue = "1",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = {"-b", "--batch-size"},
      defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--optimizer",
      paramLabel = "sgd|adam",
      defaultValue = "sgd",
      description = "SGD with momentum, or Adam with PyTorch's betas (default: ${DEFAULT-VALUE}).")
  OptimizerKind optimizer;

  @Option(names = "--lr", description = "Learning rate (default: 0.01 for sgd, 0.001 for adam).")
  Double learningRate;

  @Option(names = "--momentum", description = "SGD momentum (default: 0.5).")
  Double momentum;

  @Option(
      names = "--seed",
      description =
          "Seed for weights and shuffling (default: 0, or with --resume the checkpoint's).")
  Long seed;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "Native threads: a batch runs as this many parts side by side, one thread each"
              + " (with batch norm or dropout, training runs unsplit on this many threads); 0 keeps"
              + " OpenMP's default, one per core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description = "Use only the first N training images, 0 for all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--curves",
      paramLabel = "FILE.csv",
      description =
          "Write one CSV row per epoch: epoch, loss, train and test accuracy, images per second.")
  Path curves;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description = "Save a checkpoint, DIR/" + Trainer.LAST_CHECKPOINT + ", after every epoch.")
  Path checkpointDir;

  @Option(
      names = "--resume",
      description =
          "Continue the run saved in --checkpoint-dir, up to --epochs in all; --curves, if"
              + " given, is continued too.")
  boolean resume;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Option(
      names = "--spark",
      arity = "0..1",
      paramLabel = "MASTER",
      fallbackValue = "",
      description =
          "Train data-parallel on Spark: an embedded local[*] without a value (or, under"
              + " spark-submit, its --master), else the master URL, e.g. local[2] or spark://host:7077.")
  String spark;

  @Option(
      names = "--local-sgd",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "With --spark: local SGD, averaging parameters every K steps; 0 sums gradients every"
              + " step (synchronous, the default).")
  int localSgd;

  @Option(
      names = "--replicas",
      defaultValue = "0",
      description =
          "With --spark: replicas (tasks), 0 for one per task slot (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Override
  public Integer call() throws IOException {
    if (resume && checkpointDir == null) {
      throw new IllegalArgumentException(
          "--resume continues the run saved in --checkpoint-dir: name it");
    }
    Model model = Samples.create(network.name, seed != null ? seed : 0);
    Dataset train = Cli.idx(data, "train", model);
    Dataset test = Cli.idx(data, "t10k", model);
    Cli.checkInput(model, train, data);
    if (limit > 0) {
      train = train.head(limit);
    }
    if (spark != null) {
      return sparkRun(model, train, test);
    }
    if (localSgd != 0 || replicas != 0) {
      throw new IllegalArgumentException(
          "--local-sgd and --replicas are for training on Spark: add --spark");
    }
    Optimizer optim = optimizer(model);
    TrainingState from = resume ? resumeInto(model, optim) : null;
    long runSeed = from != null ? from.seed() : seed != null ? seed : 0;
    out.println(model.summary());
    out.printf(
        Locale.ROOT, "data: %s (%,d training, %,d test images)%n", data, train.size(), test.size());
    if (threads > 0) {
      Threads.set(threads);
    }
    out.printf(
        Locale.ROOT,
        "%s, batch %d, %s, seed %d; %s%n",
        describe(optim),
        batchSize,
        Cli.count(epochs, "epoch"),
        runSeed,
        Threads.describe());
    Path checkpoint = checkpointDir == null ? null : checkpointDir.resolve(Trainer.LAST_CHECKPOINT);
    if (checkpoint != null && from == null && Files.exists(checkpoint)) {
      out.println(
          "note: starting afresh; " + checkpoint + " will be replaced (--resume continues it)");
    }
    try (BatchLoader trainLoader =
            new BatchLoader(train, batchSize, true, runSeed, DataType.FLOAT);
        BatchLoader testLoader = new BatchLoader(test, 1000, false, runSeed, DataType.FLOAT);
        Curves curveFile = curves == null ? null : Curves.open(curves, from != null)) {
      Trainer.Builder builder = Trainer.builder().epochs(epochs).out(out).quiet(quiet);
      if (curveFile != null) {
        builder.listener(curveFile::add);
      }
      if (checkpointDir != null) {
        builder.checkpoint(checkpointDir);
      }
      Trainer trainer = builder.build();
      List<EpochResult> history =
          from == null
              ? trainer.fit(model, optim, trainLoader, testLoader)
              : trainer.fit(model, optim, trainLoader, testLoader, from);
      Evaluation evaluation = Evaluation.of(model, testLoader);
      out.println(evaluation.format(Cli.classNames(data, model.classes())));
      int trained = history.isEmpty() ? from.epoch() : history.get(history.size() - 1).epoch();
      out.printf(
          Locale.ROOT,
          "%s: test accuracy %.2f%% after %s",
          model.name(),
          100 * evaluation.accuracy(),
          Cli.count(trained, "epoch"));
      out.println(
          history.isEmpty()
              ? " (the checkpoint had them all: raise --epochs to train more)"
              : String.format(
                  Locale.ROOT,
                  ", %,.0f training images/s",
                  history.get(history.size() - 1).imagesPerSecond()));
      if (checkpoint != null && !history.isEmpty()) {
        out.println("checkpoint: " + checkpoint);
      }
      if (curveFile != null) {
        out.println("curves: " + curves);
      }
    }
    return 0;
  }

  private int sparkRun(Model model, Dataset train, Dataset test) throws IOException {
    if (threads > 0) {
      throw new IllegalArgumentException(
          "--threads is for one machine: on Spark every task runs one native thread");
    }
    out.println(model.summary());
    out.printf(
        Locale.ROOT, "data: %s (%,d training, %,d test images)%n", data, train.size(), test.size());
    boolean adam = optimizer == OptimizerKind.ADAM;
    if (adam && momentum != null) {
      throw new IllegalArgumentException(
          "--momentum is SGD's; Adam keeps its own running averages");
    }
    SparkRun.Options options =
        new SparkRun.Options(
            spark,
            epochs,
            batchSize,
            seed != null ? seed : 0,
            localSgd,
            replicas,
            checkpointDir,
            resume,
            quiet,
            optimizer,
            learningRate != null ? learningRate : adam ? 1e-3 : 0.01,
            momentum != null ? momentum : 0.5);
    try (Curves curveFile = curves == null ? null : Curves.open(curves, resume)) {
      return SparkRun.train(options, model, train, test, data, curveFile, out);
    }
  }

  /**
   * Loads the saved run into the model and optimizer; checks that --seed, if given, is its seed.
   */
  private TrainingState resumeInto(Model model, Optimizer optim) throws IOException {
    Path file = checkpointDir.resolve(Trainer.LAST_CHECKPOINT);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "nothing to resume: "
              + file
              + " does not exist (train with"
              + " --checkpoint-dir "
              + checkpointDir
              + " first, or drop --resume)");
    }
    TrainingState state = Checkpoint.load(file, model, optim);
    if (seed != null && seed != state.seed()) {
      throw new IllegalArgumentException(
          "--seed "
              + seed
              + " is not the seed of the run in "
              + file
              + " ("
              + state.seed()
              + "): drop --seed to continue that run");
    }
    out.printf(
        Locale.ROOT, "resuming from %s, saved after %s%n", file, Cli.count(state.epoch(), "epoch"));
    return state;
  }

  private Optimizer optimizer(Model model) {
    if (optimizer == OptimizerKind.ADAM) {
      if (momentum != null) {
        throw new IllegalArgumentException(
            "--momentum is SGD's; Adam keeps its own running averages"
                + " (betas 0.9, 0.999): drop --momentum or use --optimizer sgd");
      }
      return Adam.builder(model.parameters(), learningRate != null ? learningRate : 1e-3).build();
    }
    return new Sgd(
        model.parameters(),
        learningRate != null ? learningRate : 0.01,
        momentum != null ? momentum : 0.5);
  }

  private String describe(Optimizer optim) {
    return optimizer == OptimizerKind.ADAM
        ? String.format(Locale.ROOT, "Adam lr %s", optim.learningRate())
        : String.format(
            Locale.ROOT,
            "SGD lr %s, momentum %s",
            optim.learningRate(),
            momentum != null ? momentum : 0.5);
  }
}
