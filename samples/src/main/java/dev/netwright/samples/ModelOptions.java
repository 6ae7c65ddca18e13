package dev.netwright.samples;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that pick a network and its weights, shared by evaluate and predict. */
final class ModelOptions {
  @Mixin NetworkOption network;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description =
          "Seed of the initial weights, used without --checkpoint (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = {"-c", "--checkpoint"},
      paramLabel = "FILE",
      description =
          "Weights saved by train --checkpoint-dir (default: none, the untrained network).")
  Path checkpoint;

  /** The network with the checkpoint's weights, or initialised from the seed (and then says so). */
  Model load(PrintStream out) throws IOException {
    Model model = Samples.create(network.name, seed);
    if (checkpoint == null) {
      out.printf(
          Locale.ROOT,
          "%s: untrained, weights initialised from seed %d (pass --checkpoint FILE for"
              + " trained ones)%n",
          model.name(),
          seed);
      return model;
    }
    if (!Files.isRegularFile(checkpoint)) {
      throw new NoSuchFileException(
          checkpoint.toString(),
          null,
          "no such checkpoint file (train --checkpoint-dir"
              + " DIR saves DIR/"
              + Trainer.LAST_CHECKPOINT
              + ")");
    }
    TrainingState state = Checkpoint.load(checkpoint, model, null);
    out.printf(
        Locale.ROOT,
        "%s: weights from %s, after %s%n",
        model.name(),
        checkpoint,
        Cli.count(state.epoch(), "epoch"));
    return model;
  }
}
