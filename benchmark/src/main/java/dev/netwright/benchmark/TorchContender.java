package dev.netwright.benchmark;

import java.util.Locale;
import java.util.Map;

/**
 * The same network in PyTorch, measured inside the Python process by the same policy as the Java
 * contenders; PyTorch's allocations are not on a JVM thread, so heap per step is unknown (NaN).
 */
final class TorchContender implements Contender {
  private final TorchServer server;
  private final BenchNetwork network;

  /**
   * Checks that PyTorch's network has {@code expectedParameters} parameters, Netwright's count.
   *
   * @throws IllegalStateException when the counts differ
   */
  TorchContender(TorchServer server, BenchNetwork network, long expectedParameters) {
    this.server = server;
    this.network = network;
    String command = "params " + network.key;
    long params = (long) server.number(server.call(command, 600), "params", command);
    if (params != expectedParameters) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "[benchmark/same-network] PyTorch's %s has %,d parameters but Netwright's has %,d: the two"
                  + " definitions differ, so their speeds are not comparable",
              network.key,
              params,
              expectedParameters));
    }
  }

  @Override
  public Training train(Budget b) {
    Map<String, String> r = run("train", b.trainSeconds(), b);
    return new Training(
        value(r, "img_per_s", "train"), Double.NaN, value(r, "rss_growth_bytes", "train"));
  }

  @Override
  public double inferImagesPerSecond(Budget b) {
    return value(run("infer", b.inferSeconds(), b), "img_per_s", "infer");
  }

  @Override
  public double latencyMillis(Budget b) {
    return value(run("latency", b.inferSeconds(), b), "ms", "latency");
  }

  /** The Python process's resident memory, in bytes. */
  double rssBytes() {
    return value(server.call("rss", 60), "bytes", "rss");
  }

  private Map<String, String> run(String what, double seconds, Budget b) {
    String command =
        String.format(Locale.ROOT, "%s %s %s %s", what, network.key, seconds, b.warmupSeconds());
    // Generous: a first step may build caches; a hung or dead script is reported, not waited on.
    return server.call(command, 300 + 20 * (seconds + b.warmupSeconds()));
  }

  private double value(Map<String, String> fields, String key, String what) {
    return server.number(fields, key, what + " " + network.key);
  }
}
