package dev.netwright.samples;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.InceptionA;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/**
 * The PyTorch lecture's GoogLeNet-style network: two InceptionA modules between convolutions.
 * 97,298 parameters, as torchsummary reports for the lecture's definition.
 */
@Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
public interface InceptionNet {
  /** conv(1→10, k5) → max-pool 2 → ReLU: [10, 12, 12]. */
  @Conv(filters = 10, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv1();

  /** InceptionA: [88, 12, 12]. */
  @InceptionA
  Node incep1();

  /** conv(88→20, k5) → max-pool 2 → ReLU: [20, 4, 4]. */
  @Conv(filters = 20, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv2();

  /** InceptionA: [88, 4, 4]. */
  @InceptionA
  Node incep2();

  /** Flatten (1408) → dense 10: the number the lecture works out by hand, checked here. */
  @Dense(value = 10, inFeatures = 1408)
  Node fc();
}
