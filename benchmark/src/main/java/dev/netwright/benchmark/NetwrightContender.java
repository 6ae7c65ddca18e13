package dev.netwright.benchmark;

import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;

/**
 * A generated Netwright model trained exactly as the runtime's Trainer does it: forward, loss, zero
 * the gradients, backward, SGD step (lr 0.01, momentum 0.5).
 */
final class NetwrightContender extends JavaContender {
  private final Model model;
  private final Sgd optimizer;
  private final Batches data;

  NetwrightContender(BenchNetwork network, Batches data) {
    this.model = network.netwright();
    this.optimizer = new Sgd(model.parameters(), 0.01, 0.5);
    this.data = data;
  }

  /** Trainable parameters. */
  long parameterCount() {
    return model.parameters().trainableCount();
  }

  @Override
  void startTraining() {
    model.setTraining(true);
  }

  @Override
  void trainStep(int i) {
    int b = i % Batches.COUNT;
    model.forward(data.features[b]);
    model.loss(data.labels[b]);
    model.parameters().zeroGradients();
    model.backward();
    optimizer.step();
  }

  @Override
  void startInference() {
    model.setTraining(false);
  }

  @Override
  void infer(int i, boolean single) {
    int b = i % Batches.COUNT;
    model.forward(single ? data.singles[b] : data.features[b]);
  }
}
