package dev.netwright.samples;

import picocli.CommandLine.Option;

/** {@code --network}: a sample's name or a generated network's class, for every command. */
final class NetworkOption {
  @Option(
      names = {"-n", "--network"},
      defaultValue = "SimpleNet",
      description =
          "A sample network, or your own by its class on the class path, e.g."
              + " com.example.MyNet (default: ${DEFAULT-VALUE}).")
  String name;
}
