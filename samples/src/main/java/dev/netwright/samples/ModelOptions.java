package dev.netwright.samples;

import dev.netwright.runtime.Model;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** The options that pick a network and its weights, shared by evaluate and predict. */
final class ModelOptions {
  @Option(names = {"-n", "--network"}, defaultValue = "SimpleNet",
      description = "Sample network (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--seed", defaultValue = "0",
      description = "Seed of the initial weights, used without --checkpoint (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The network, initialised from the seed; says so, since its answers are then chance. */
  Model load(PrintStream out) {
    Model model = Samples.create(network, seed);
    out.printf("%s: untrained, weights initialised from seed %d%n", model.name(), seed);
    return model;
  }
}
