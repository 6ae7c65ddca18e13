package dev.netwright.samples.fire;

import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Dropout;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/** Networks for the long-run and determinism tests, compiled by the real processor. */
final class FireNets {
  private FireNets() {}

  /**
   * Convolution, batch norm on both kinds of input, max pooling and dropout, small enough for
   * 10,000 steps.
   */
  @Network(input = @Input(channels = 1, height = 12, width = 12), classes = 4)
  interface NormDrop {
    @Conv(filters = 6, kernel = 3)
    @BatchNorm
    @Relu
    @MaxPool(2)
    Node conv();

    @Dense(16)
    @BatchNorm
    @Relu
    @Dropout(0.3)
    Node fc1();

    @Dense(4)
    Node fc2();
  }
}
