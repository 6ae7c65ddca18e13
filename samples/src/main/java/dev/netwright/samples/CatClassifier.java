package dev.netwright.samples;

import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/**
 * The NumPy tutorial's L-layer network, layers_dims = [49152, 20, 7, 5, 1] for 128x128x3 images:
 * ReLU hidden layers, a sigmoid output with binary cross-entropy, weights initialised as randn /
 * sqrt(fan-in) and biases at zero; trained by full-batch gradient descent (lr 0.0075).
 */
@Network(
    input = @Input(channels = 3, height = 128, width = 128),
    head = Head.SIGMOID_BINARY_CROSS_ENTROPY,
    init = Init.SCALED_NORMAL)
public interface CatClassifier {
  /** 49,152 → 20. */
  @Dense(20)
  @Relu
  Node layer1();

  /** 20 → 7. */
  @Dense(7)
  @Relu
  Node layer2();

  /** 7 → 5. */
  @Dense(5)
  @Relu
  Node layer3();

  /** 5 → 1: the logit of "cat". */
  @Dense(1)
  Node layer4();
}
