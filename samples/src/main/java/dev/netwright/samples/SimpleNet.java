package dev.netwright.samples;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/**
 * The PyTorch lecture's first CNN: two convolutions with max pooling and ReLU, then one dense
 * layer. 8,490 parameters. Lecture settings: batch 64, SGD lr 0.01, momentum 0.5.
 */
@Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
public interface SimpleNet {
  /** conv(1→10, k5) → max-pool 2 → ReLU: [10, 12, 12]. */
  @Conv(filters = 10, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv1();

  /** conv(10→20, k5) → max-pool 2 → ReLU: [20, 4, 4]. */
  @Conv(filters = 20, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv2();

  /** Flatten (320) → dense 10. */
  @Dense(value = 10, inFeatures = 320)
  Node fc();
}
