package dev.netwright.benchmark;

import org.nd4j.linalg.dataset.DataSet;

/**
 * The same network in Deeplearning4j on the same ND4J backend: {@code fit} on a preloaded batch per
 * training step, {@code output} for inference, with DL4J's default workspaces.
 */
final class Dl4jContender extends JavaContender {
  private final Dl4jNet net;
  private final Batches data;
  private final DataSet[] batches;

  /**
   * Builds the DL4J network and checks it has exactly {@code expectedParameters} trainable
   * parameters, the Netwright model's count: the proof that both are the same network.
   *
   * @throws IllegalStateException when the counts differ
   */
  Dl4jContender(BenchNetwork network, Batches data, long expectedParameters) {
    this.net = Dl4jNetworks.build(network);
    if (net.numParams() != expectedParameters) {
      throw new IllegalStateException(
          String.format(
              java.util.Locale.ROOT,
              "[benchmark/same-network] DL4J's %s has %,d parameters but Netwright's has %,d: the two"
                  + " definitions differ, so their speeds are not comparable",
              network.key,
              net.numParams(),
              expectedParameters));
    }
    this.data = data;
    this.batches = new DataSet[Batches.COUNT];
    for (int i = 0; i < Batches.COUNT; i++) {
      batches[i] = new DataSet(data.features[i], data.labels[i]);
    }
  }

  @Override
  void startTraining() {}

  @Override
  void trainStep(int i) {
    net.fit(batches[i % Batches.COUNT]);
  }

  @Override
  void startInference() {}

  @Override
  void infer(int i, boolean single) {
    int b = i % Batches.COUNT;
    net.output(single ? data.singles[b] : data.features[b]);
  }
}
