package dev.netwright.samples;

import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Relu;

/**
 * The TensorFlow walk-through's CNN on scikit-learn's 8x8 digits (Adam 1e-3, batch 8). In its code
 * the second convolution reads the first one's ReLU output; the first max pooling is computed and
 * never used, which is why the flattened size is 2 x 2 x 5 = 20. Here the dead pooling is left out
 * (Netwright would warn that nothing consumes it).
 */
@Network(input = @Input(channels = 1, height = 8, width = 8), classes = 10)
public interface DigitsCnn {
  /** conv 3x3 x10 SAME, ReLU: [10, 8, 8]. */
  @Conv(filters = 10, kernel = 3, padding = Padding.SAME)
  @Relu
  Node conv1();

  /** conv 3x3 x5 stride 2 SAME, batch norm (eps 1e-3), ReLU, max-pool 3x3/2 SAME: [5, 2, 2]. */
  @Conv(filters = 5, kernel = 3, stride = 2, padding = Padding.SAME)
  @BatchNorm(eps = 1e-3)
  @Relu
  @MaxPool(value = 3, stride = 2, padding = Padding.SAME)
  Node conv2();

  /** Flatten (20) → dense 50, ReLU. */
  @Dense(value = 50, inFeatures = 20)
  @Relu
  Node fc1();

  /** 50 → 10 class scores. */
  @Dense(10)
  Node out();
}
