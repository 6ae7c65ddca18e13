package dev.netwright.samples;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Residual;

/**
 * The PyTorch lecture's residual network: two identity residual blocks between convolutions. The
 * lecture applies ReLU before max pooling; they commute, and pooling first touches a quarter of the
 * elements.
 */
@Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
public interface ResNet {
  /** conv(1→16, k5) → max-pool 2 → ReLU: [16, 12, 12]. */
  @Conv(filters = 16, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv1();

  /** ResidualBlock(16): relu(x + conv2(relu(conv1(x)))), identity shortcut. */
  @Residual(filters = 16)
  Node rblock1();

  /** conv(16→32, k5) → max-pool 2 → ReLU: [32, 4, 4]. */
  @Conv(filters = 32, kernel = 5)
  @MaxPool(2)
  @Relu
  Node conv2();

  /** ResidualBlock(32). */
  @Residual(filters = 32)
  Node rblock2();

  /** Flatten (512) → dense 10. */
  @Dense(value = 10, inFeatures = 512)
  Node fc();
}
