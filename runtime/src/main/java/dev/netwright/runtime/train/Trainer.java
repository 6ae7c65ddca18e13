package dev.netwright.runtime.train;

import dev.netwright.runtime.data.Batch;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.optim.LearningRateSchedule;
import dev.netwright.runtime.optim.Optimizer;
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
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training loop, after Keras' {@code fit}: epochs of forward, loss, backward and optimizer step
 * over a {@link BatchLoader}, with a progress bar, an optional test evaluation and a log line per
 * epoch.
 *
 * <pre>{@code
 * List<EpochResult> history = Trainer.builder().epochs(5).build()
 *     .fit(net, new Sgd(net.parameters(), 0.01, 0.9), train, test);
 * }</pre>
 *
 * <p>With {@link Builder#checkpoint(Path)} it saves {@code last.ckpt} after every epoch; with
 * {@link Builder#resumeFrom(Path)} it loads one and carries on from the next epoch, continuing the
 * loader's shuffle sequence, so the run goes on exactly as if it had not stopped (bit for bit on
 * one ND4J thread, dropout masks included).
 */
public final class Trainer {
  /** The file name {@link Builder#checkpoint(Path)} saves to after every epoch. */
  public static final String LAST_CHECKPOINT = "last.ckpt";

  private static final long MESSAGE_INTERVAL_NANOS = 200_000_000L;

  private final int epochs;
  private final PrintStream out;
  private final boolean quiet;
  private final Consumer<EpochResult> listener;
  private final int threads;
  private final LearningRateSchedule schedule;
  private final Path checkpointDirectory;
  private final Path resumeFrom;

  private Trainer(Builder b) {
    this.epochs = b.epochs;
    this.out = b.out;
    this.quiet = b.quiet;
    this.listener = b.listener;
    this.threads = b.threads;
    this.schedule = b.schedule;
    this.checkpointDirectory = b.checkpointDirectory;
    this.resumeFrom = b.resumeFrom;
  }

  /**
   * A builder: 1 epoch, progress on {@code System.err}, no listener, ND4J's thread count as it is.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code model} on {@code train} without a test set; see {@link #fit(Model, Optimizer,
   * BatchLoader, BatchLoader)}.
   */
  public List<EpochResult> fit(Model model, Optimizer optimizer, BatchLoader train) {
    return fit(model, optimizer, train, null);
  }

  /**
   * Trains {@code model} for the configured epochs, each a full pass over {@code train} (reset
   * first) followed, when {@code test} is not null, by an evaluation on it. Leaves the model in
   * inference mode.
   *
   * @return one result per epoch, in order
   * @throws TrainingDivergedException when a step's loss is NaN or infinite, or at the end of an
   *     epoch a parameter, buffer or optimizer state is; that epoch is then not checkpointed
   * @throws UncheckedIOException when a checkpoint cannot be loaded or saved; its cause says why
   */
  public List<EpochResult> fit(
      Model model, Optimizer optimizer, BatchLoader train, BatchLoader test) {
    return run(model, optimizer, train, test, null);
  }

  /**
   * Continues a run from {@code from}, e.g. what {@link Checkpoint#load} returned after it restored
   * the model and optimizer: trains epochs {@code from.epoch() + 1} to the configured count (none
   * if it is already there), with {@code train} moved to where the saved run's loader stood.
   *
   * @return one result per epoch trained, in order
   * @throws IllegalArgumentException if {@code train}'s seed is not the saved run's
   */
  public List<EpochResult> fit(
      Model model, Optimizer optimizer, BatchLoader train, BatchLoader test, TrainingState from) {
    Objects.requireNonNull(from, "from");
    if (resumeFrom != null) {
      throw new IllegalStateException(
          "this trainer already resumes from "
              + resumeFrom
              + " (resumeFrom); call"
              + " fit without a TrainingState, or build the trainer without resumeFrom");
    }
    return run(model, optimizer, train, test, from);
  }

  private List<EpochResult> run(
      Model model, Optimizer optimizer, BatchLoader train, BatchLoader test, TrainingState from) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(train, "train");
    if (model.classes() < 1) {
      throw new IllegalArgumentException(
          "network "
              + model.name()
              + " has no classifier head (classes() = "
              + model.classes()
              + "); the trainer needs a loss against one-hot labels");
    }
    if (train.batchesPerEpoch() < 1) {
      throw new IllegalArgumentException(
          "the training loader has no batches: is its data set empty?");
    }
    if (checkpointDirectory != null) {
      try {
        Files.createDirectories(checkpointDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create the checkpoint directory " + checkpointDirectory + ": " + e, e);
      }
    }
    if (resumeFrom != null) {
      try {
        from = Checkpoint.load(resumeFrom, model, optimizer);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resume: " + e.getMessage(), e);
      }
    }
    int first = 1;
    if (from != null) {
      if (from.seed() != train.seed()) {
        throw new IllegalArgumentException(
            "the run being resumed shuffled with seed "
                + from.seed()
                + ", but this"
                + " training loader's seed is "
                + train.seed()
                + ": create the loader with seed "
                + from.seed()
                + " to continue the same run");
      }
      train.seek(from.loaderEpoch());
      model.setTrainingSteps(from.modelSteps());
      model.setDropoutSeed(from.dropoutSeed());
      first = from.epoch() + 1;
    }
    int previousThreads = threads > 0 ? Threads.set(threads) : 0;
    try {
      if (!quiet) {
        if (from != null) {
          out.printf(
              Locale.ROOT,
              "resuming %s after epoch %d%s%n",
              model.name(),
              from.epoch(),
              resumeFrom == null ? "" : " from " + resumeFrom);
        }
        out.printf(
            Locale.ROOT,
            "training %s: %d epoch%s of %,d steps, %,d parameters, %s%n",
            model.name(),
            epochs,
            epochs == 1 ? "" : "s",
            train.batchesPerEpoch(),
            model.parameters().count(),
            Threads.describe());
      }
      List<EpochResult> results = new ArrayList<>(epochs);
      for (int epoch = first; epoch <= epochs; epoch++) {
        if (schedule != null) {
          optimizer.setLearningRate(schedule.rate(epoch - 1));
        }
        EpochResult result = epoch(model, optimizer, train, test, epoch);
        results.add(result);
        if (checkpointDirectory != null) {
          Path file = checkpointDirectory.resolve(LAST_CHECKPOINT);
          try {
            Checkpoint.save(
                file,
                model,
                optimizer,
                new TrainingState(
                    epoch,
                    train.seed(),
                    train.epoch(),
                    model.trainingSteps(),
                    model.dropoutSeed()));
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot save the checkpoint after epoch " + epoch + ": " + e.getMessage(), e);
          }
        }
        if (!quiet) {
          out.println(result.format());
        }
        listener.accept(result);
      }
      return Collections.unmodifiableList(results);
    } finally {
      model.setTraining(false);
      if (threads > 0) {
        Threads.set(previousThreads);
      }
    }
  }

  private EpochResult epoch(
      Model model, Optimizer optimizer, BatchLoader train, BatchLoader test, int epoch) {
    Parameters parameters = model.parameters();
    int classes = model.classes();
    int steps = train.batchesPerEpoch();
    model.setTraining(true);
    train.reset();
    long start = System.nanoTime();
    long nextMessage = start;
    double lossSum = 0;
    double loss = Double.NaN;
    long images = 0;
    long correct = 0;
    int step = 0;
    ProgressBar bar = quiet ? null : progressBar(epoch, steps);
    try {
      while (train.hasNext()) {
        Batch batch = train.next();
        step++;
        int n = batch.size();
        INDArray output = model.forward(batch.features());
        loss = model.loss(batch.labels());
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException(
              epoch, step, steps, loss, optimizer.learningRate(), model.firstNonFinite());
        }
        Predictions.checkShape(output, n, classes);
        // Read before backward, which may reuse the output buffer.
        correct += Predictions.countCorrect(output, batch.classes(), n);
        // Backward writes every gradient it reaches; parameters it never reaches (in a branch the
        // output does not use) must read as zero, not as a stale value.
        parameters.zeroGradients();
        model.backward();
        optimizer.step();
        lossSum += loss * n;
        images += n;
        if (bar != null) {
          bar.step();
          long now = System.nanoTime();
          if (now >= nextMessage) { // the only per-step garbage, a few times a second
            bar.setExtraMessage(message(lossSum, correct, images, now - start));
            nextMessage = now + MESSAGE_INTERVAL_NANOS;
          }
        }
      }
    } finally {
      if (bar != null) {
        bar.setExtraMessage(message(lossSum, correct, images, System.nanoTime() - start));
        bar.close();
      }
    }
    long trained = System.nanoTime();
    // A finite loss does not prove finite weights: check before anything evaluates or saves them.
    String nonFinite = NonFinite.find(parameters, optimizer);
    if (nonFinite != null) {
      throw new TrainingDivergedException(
          epoch,
          steps,
          loss,
          optimizer.learningRate(),
          nonFinite,
          checkpointDirectory == null ? null : checkpointDirectory.resolve(LAST_CHECKPOINT));
    }
    OptionalDouble testAccuracy =
        test == null
            ? OptionalDouble.empty()
            : OptionalDouble.of(Evaluation.of(model, test).accuracy());
    long end = System.nanoTime();
    return new EpochResult(
        epoch,
        epochs,
        lossSum / images,
        (double) correct / images,
        testAccuracy,
        images / ((trained - start) / 1e9),
        (end - start) / 1e9);
  }

  private static String message(double lossSum, long correct, long images, long nanos) {
    if (images == 0) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "loss %.4f  acc %.1f%%  %,.0f img/s",
        lossSum / images,
        100.0 * correct / images,
        images / (nanos / 1e9));
  }

  private ProgressBar progressBar(int epoch, int steps) {
    // On a terminal: redraw often, fit its width, erase the bar for the epoch line. Elsewhere
    // (a log file, a test's buffer): plain ASCII, a fixed width, fewer redraws.
    boolean terminal = System.console() != null && (out == System.err || out == System.out);
    return new ProgressBarBuilder()
        .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
        .setInitialMax(steps)
        .setUnit(" steps", 1)
        .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(terminal ? 200 : 1000)
        .setConsumer(terminal ? new ErasingConsumer(out) : new ConsoleProgressBarConsumer(out, 120))
        .build();
  }

  /** Draws the bar over one terminal line and erases it when closed. */
  private static final class ErasingConsumer extends ConsoleProgressBarConsumer {
    private final PrintStream stream;

    ErasingConsumer(PrintStream out) {
      super(out);
      this.stream = out;
    }

    @Override
    public void close() {
      stream.print('\r' + " ".repeat(Math.max(getMaxRenderedLength(), 0)) + '\r');
      stream.flush();
    }
  }

  /** Configures a {@link Trainer}. */
  public static final class Builder {
    private int epochs = 1;
    private PrintStream out = System.err;
    private boolean quiet;
    private Consumer<EpochResult> listener = result -> {};
    private int threads;
    private LearningRateSchedule schedule;
    private Path checkpointDirectory;
    private Path resumeFrom;

    private Builder() {}

    /**
     * Sets the optimizer's learning rate to {@code schedule.rate(epoch)} before each epoch (from
     * 0).
     */
    public Builder schedule(LearningRateSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    /**
     * Saves a {@link Checkpoint} to {@code directory/last.ckpt} after every epoch (after the test
     * evaluation), replacing the previous one atomically; the directory is created if needed.
     */
    public Builder checkpoint(Path directory) {
      this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Loads {@code checkpoint} into the model and optimizer at the start of {@code fit} and trains
     * from the epoch after the saved one up to {@link #epochs(int)}, which counts from the start of
     * the run. The training loader must have the saved run's seed.
     */
    public Builder resumeFrom(Path checkpoint) {
      this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /** Number of passes over the training data, at least 1. */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /** Where the progress bar and the log lines go ({@code System.err} by default). */
    public Builder out(PrintStream out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /** Prints nothing at all when true (for tests and batch jobs); the listener still runs. */
    public Builder quiet(boolean quiet) {
      this.quiet = quiet;
      return this;
    }

    /** Called with each epoch's result, after its log line. */
    public Builder listener(Consumer<EpochResult> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * ND4J threads to train with, set on the calling thread for the run and restored after (see
     * {@link Threads}).
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException(
            "threads must be at least 1, got "
                + threads
                + "; leave it unset to keep ND4J's count ("
                + Threads.cores()
                + " cores here)");
      }
      this.threads = threads;
      return this;
    }

    /** The trainer. */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
