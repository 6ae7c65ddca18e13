package dev.netwright.spark;

import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.NonFinite;
import dev.netwright.runtime.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training of a generated network on Spark, configured like the single-machine {@code
 * Trainer}: one barrier job per epoch whose tasks keep replicas in agreement through a ring
 * allreduce ({@link Strategy}), test accuracy, checkpoints and the divergence checks on the driver.
 *
 * <pre>{@code
 * List<EpochResult> history = SparkTrainer.builder().epochs(5).batchSize(64).build()
 *     .fit(net, p -> new Sgd(p, 0.01, 0.5), trainRows, testRows);
 * }</pre>
 *
 * <p>A failed epoch (a lost executor, a timed-out peer) is run again from the weights the driver
 * held at its start, up to {@link Builder#attempts(int)} times, so nothing trains on half-averaged
 * weights. Checkpoints are the runtime's format, written by the driver after each epoch, and resume
 * here or in the single-machine trainer.
 */
public final class SparkTrainer {
  private final Builder config;

  private SparkTrainer(Builder b) {
    this.config = b.copy();
  }

  /**
   * One epoch, batches of 64, synchronous, seed 0, one replica per task slot, 3 attempts an epoch.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code model} on {@code train} (columns image and label, see {@link Builder#columns}),
   * evaluating on {@code test} (null for none) after each epoch. The model ends with the trained
   * weights, in inference mode.
   *
   * @throws BadInputException for data that does not fit the network, before any training
   * @throws TrainingDivergedException when a loss or, at an epoch's end, a weight is not finite
   * @throws IllegalStateException when an epoch failed on every attempt
   */
  public List<EpochResult> fit(
      Model model, OptimizerFactory optimizerFactory, Dataset<Row> train, Dataset<Row> test) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimizerFactory, "optimizerFactory");
    if (model.head() != HeadType.SOFTMAX_CROSS_ENTROPY) {
      throw new IllegalArgumentException(
          "SparkTrainer trains classifiers with a softmax cross-entropy head; "
              + model.name()
              + " has "
              + model.head());
    }
    SparkSession spark = train.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slots = jsc.defaultParallelism();
    int replicas = config.replicas > 0 ? config.replicas : slots;
    if (replicas > slots) {
      throw new IllegalArgumentException(
          replicas
              + " replicas need as many task slots at once (one barrier"
              + " stage), but this Spark application has "
              + slots
              + " (spark.default.parallelism / cores)");
    }
    Evaluator evaluator =
        test == null
            ? null
            : Evaluator.of(
                test, config.imageColumn, config.labelColumn, model, config.normalization);
    TrainingData data =
        TrainingData.of(train, config.imageColumn, config.labelColumn, model, config.normalization);
    Optimizer optimizer = optimizerFactory.create(model.parameters());
    int first = 1;
    if (config.resumeFrom != null) {
      first = resume(model, optimizer) + 1;
    }
    Path checkpoint = checkpointFile();
    EpochPlan plan = new EpochPlan(data.count(), config.batchSize, replicas);
    PrintStream out = config.out;
    if (!config.quiet) {
      out.printf(
          Locale.ROOT,
          "training %s on Spark (%s): %d epoch%s of %,d steps of %d, %s over %d replica%s,"
              + " %,d parameters%n",
          model.name(),
          spark.sparkContext().master(),
          config.epochs,
          config.epochs == 1 ? "" : "s",
          plan.steps(),
          config.batchSize,
          config.strategy,
          replicas,
          replicas == 1 ? "" : "s",
          model.parameters().count());
    }
    try (ProgressServer progress = config.quiet ? null : new ProgressServer(driverHost(jsc), out)) {
      List<EpochResult> results = new ArrayList<>();
      for (int epoch = first; epoch <= config.epochs; epoch++) {
        long start = System.nanoTime();
        EpochReport report =
            runEpoch(jsc, data, plan, model, optimizer, optimizerFactory, epoch, progress);
        report.outcomes().get(0).snapshot().restore(model, optimizer);
        model.setTraining(false);
        String nonFinite = NonFinite.find(model.parameters(), optimizer);
        if (nonFinite != null) {
          throw new TrainingDivergedException(
              epoch, plan.steps(), report.loss(), optimizer.learningRate(), nonFinite, checkpoint);
        }
        OptionalDouble accuracy =
            evaluator == null
                ? OptionalDouble.empty()
                : OptionalDouble.of(evaluator.accuracy(model));
        if (checkpoint != null) {
          save(checkpoint, model, optimizer, epoch);
        }
        EpochResult result =
            new EpochResult(
                epoch,
                config.epochs,
                report.loss(),
                report.accuracy(),
                accuracy,
                report.images() / (report.nanos() / 1e9),
                (System.nanoTime() - start) / 1e9);
        results.add(result);
        if (!config.quiet) {
          out.println(result.format());
        }
        config.listener.accept(result);
        config.reports.accept(report);
      }
      return Collections.unmodifiableList(results);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the driver's progress socket: " + e.getMessage(), e);
    } finally {
      model.setTraining(false);
      data.release();
      if (evaluator != null) {
        evaluator.close();
      }
    }
  }

  private EpochReport runEpoch(
      JavaSparkContext jsc,
      TrainingData data,
      EpochPlan plan,
      Model model,
      Optimizer optimizer,
      OptimizerFactory factory,
      int epoch,
      ProgressServer progress) {
    ModelSnapshot start = ModelSnapshot.of(model, optimizer);
    RuntimeException last = null;
    for (int attempt = 1; attempt <= config.attempts; attempt++) {
      String job =
          String.format(Locale.ROOT, "%s epoch %d attempt %d", start.name(), epoch, attempt);
      EpochJob spec =
          new EpochJob(
              start,
              factory,
              plan,
              config.strategy,
              epoch,
              job,
              progress == null ? null : progress.address(),
              config.timeoutMillis);
      // After a lost executor the cluster may need a few seconds to start another: a barrier
      // stage needs every slot at once.
      awaitSlots(jsc, plan.replicas());
      Broadcast<EpochJob> broadcast = jsc.broadcast(spec);
      long t0 = System.nanoTime();
      if (progress != null) {
        progress.start(
            String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs), plan.steps());
      }
      try {
        List<EpochOutcome> outcomes =
            new ArrayList<>(
                List.of(
                    (EpochOutcome[])
                        data.epoch(config.seed, epoch, plan)
                            .rdd()
                            .barrier()
                            .mapPartitions(
                                new EpochFunction(broadcast),
                                false,
                                ClassTag$.MODULE$.apply(EpochOutcome.class))
                            .collect()));
        outcomes.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
        EpochReport report =
            new EpochReport(epoch, attempt, outcomes, System.nanoTime() - t0, plan.steps());
        report.throwIfDiverged(optimizer.learningRate());
        return report;
      } catch (TrainingDivergedException e) {
        throw e;
      } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
        last = Failures.unchecked(e);
        if (!config.quiet) {
          config.out.printf(
              Locale.ROOT,
              "epoch %d attempt %d of %d failed (%s); %s%n",
              epoch,
              attempt,
              config.attempts,
              Failures.root(e),
              attempt < config.attempts
                  ? "running the epoch again from the weights at its start"
                  : "giving up");
        }
      } finally {
        if (progress != null) {
          progress.stop();
        }
        broadcast.destroy();
      }
    }
    throw new IllegalStateException(
        "epoch "
            + epoch
            + " failed on all "
            + config.attempts
            + " attempts; the model"
            + " keeps the weights of epoch "
            + (epoch - 1)
            + ". Last failure: "
            + Failures.root(last),
        last);
  }

  private void awaitSlots(JavaSparkContext jsc, int replicas) {
    long deadline = System.currentTimeMillis() + config.timeoutMillis;
    while (jsc.defaultParallelism() < replicas && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for task slots", e);
      }
    }
  }

  private int resume(Model model, Optimizer optimizer) {
    try {
      TrainingState state = Checkpoint.load(config.resumeFrom, model, optimizer);
      if (state.seed() != config.seed) {
        throw new IllegalArgumentException(
            "the run being resumed shuffled with seed "
                + state.seed()
                + ", but this trainer's seed is "
                + config.seed
                + ": set seed("
                + state.seed()
                + ") to continue it");
      }
      model.setTrainingSteps(state.modelSteps());
      model.setDropoutSeed(state.dropoutSeed());
      if (!config.quiet) {
        config.out.printf(
            Locale.ROOT,
            "resuming %s after epoch %d from %s%n",
            model.name(),
            state.epoch(),
            config.resumeFrom);
      }
      return state.epoch();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resume: " + e.getMessage(), e);
    }
  }

  private Path checkpointFile() {
    if (config.checkpointDirectory == null) {
      return null;
    }
    try {
      Files.createDirectories(config.checkpointDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the checkpoint directory " + config.checkpointDirectory, e);
    }
    return config.checkpointDirectory.resolve(dev.netwright.runtime.train.Trainer.LAST_CHECKPOINT);
  }

  private void save(Path file, Model model, Optimizer optimizer, int epoch) {
    try {
      // loaderEpoch = epoch: a shuffling BatchLoader with this seed serves epoch k after k resets,
      // as the single-machine trainer does, so it resumes the same sequence.
      Checkpoint.save(
          file,
          model,
          optimizer,
          new TrainingState(epoch, config.seed, epoch, model.trainingSteps(), model.dropoutSeed()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot save the checkpoint after epoch " + epoch + ": " + e.getMessage(), e);
    }
  }

  private static String driverHost(JavaSparkContext jsc) {
    return jsc.getConf().get("spark.driver.host", "127.0.0.1");
  }

  /** Configures a {@link SparkTrainer}. */
  public static final class Builder {
    private int epochs = 1;
    private int batchSize = 64;
    private Strategy strategy = Strategy.synchronous();
    private long seed;
    private int replicas;
    private int attempts = 3;
    private long timeoutMillis = 120_000;
    private String imageColumn = "image";
    private String labelColumn = "label";
    private Normalization normalization = Normalization.MNIST;
    private Path checkpointDirectory;
    private Path resumeFrom;
    private PrintStream out = System.err;
    private boolean quiet;
    private Consumer<EpochResult> listener = r -> {};
    private Consumer<EpochReport> reports = r -> {};

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.epochs = epochs;
      b.batchSize = batchSize;
      b.strategy = strategy;
      b.seed = seed;
      b.replicas = replicas;
      b.attempts = attempts;
      b.timeoutMillis = timeoutMillis;
      b.imageColumn = imageColumn;
      b.labelColumn = labelColumn;
      b.normalization = normalization;
      b.checkpointDirectory = checkpointDirectory;
      b.resumeFrom = resumeFrom;
      b.out = out;
      b.quiet = quiet;
      b.listener = listener;
      b.reports = reports;
      return b;
    }

    /** Passes over the training data, at least 1 (counting from the start of a resumed run). */
    public Builder epochs(int epochs) {
      this.epochs = positive("epochs", epochs);
      return this;
    }

    /** The global batch: the examples of one step over all replicas together. */
    public Builder batchSize(int batchSize) {
      this.batchSize = positive("batchSize", batchSize);
      return this;
    }

    /** Synchronous (the default) or local SGD with averaging every k steps. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** Seed of the epochs' shuffles, as a shuffling {@code BatchLoader}'s. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Replicas (barrier tasks); 0, the default, takes every task slot of the application. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException(
            "replicas must be 0 (all task slots) or more, got " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** How often an epoch is tried before training gives up (1 = no retry). */
    public Builder attempts(int attempts) {
      this.attempts = positive("attempts", attempts);
      return this;
    }

    /** How long a replica waits for its peers before its epoch fails. */
    public Builder timeoutMillis(long timeoutMillis) {
      if (timeoutMillis < 1) {
        throw new IllegalArgumentException("timeoutMillis must be positive, got " + timeoutMillis);
      }
      this.timeoutMillis = timeoutMillis;
      return this;
    }

    /** The image and label columns (default "image" and "label"). */
    public Builder columns(String image, String label) {
      this.imageColumn = Objects.requireNonNull(image, "image");
      this.labelColumn = Objects.requireNonNull(label, "label");
      return this;
    }

    /**
     * Applied to byte pixels and decoded images (default MNIST's); float arrays are used as they
     * are.
     */
    public Builder normalization(Normalization normalization) {
      this.normalization = Objects.requireNonNull(normalization, "normalization");
      return this;
    }

    /** Saves {@code directory/last.ckpt} on the driver after every epoch, atomically. */
    public Builder checkpoint(Path directory) {
      this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Continues the run saved in {@code checkpoint} (this trainer's or the single-machine one's).
     */
    public Builder resumeFrom(Path checkpoint) {
      this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /** Where the progress bar and log lines go ({@code System.err} by default). */
    public Builder out(PrintStream out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /** No progress bar and no log lines. */
    public Builder quiet(boolean quiet) {
      this.quiet = quiet;
      return this;
    }

    /** Called with each epoch's result. */
    public Builder listener(Consumer<EpochResult> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Called with each epoch's per-replica report (traffic, time, where it ran). */
    public Builder reports(Consumer<EpochReport> reports) {
      this.reports = Objects.requireNonNull(reports, "reports");
      return this;
    }

    /** The trainer. */
    public SparkTrainer build() {
      return new SparkTrainer(this);
    }

    private static int positive(String what, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
