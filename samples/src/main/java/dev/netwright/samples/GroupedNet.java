package dev.netwright.samples;

import dev.netwright.dsl.Add;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.GlobalAvgPool;
import dev.netwright.dsl.GroupNorm;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/**
 * A small network on 1x28x28 in the style of MobileNet and ResNeXt, with group norm after every
 * convolution instead of batch norm: a depthwise separable convolution (a depthwise 3x3, one filter
 * per channel, then a pointwise 1x1), and a grouped 3x3 convolution with an identity shortcut.
 * 3,626 parameters.
 */
@Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
public interface GroupedNet {
  /** conv(1→16, 3x3, pad 1) → group norm (4 groups) → ReLU → max-pool 2: [16, 14, 14]. */
  @Conv(filters = 16, kernel = 3, pad = 1, bias = false)
  @GroupNorm(groups = 4)
  @Relu
  @MaxPool(2)
  Node stem();

  /** Depthwise: each of the 16 channels convolved alone (groups = 16): [16, 14, 14]. */
  @Conv(filters = 16, kernel = 3, pad = 1, groups = 16, bias = false)
  @GroupNorm(groups = 4)
  @Relu
  Node depthwise();

  /** Pointwise 1x1, 16→32, mixing the channels → max-pool 2: [32, 7, 7]. */
  @Conv(filters = 32, kernel = 1, bias = false)
  @GroupNorm(groups = 8)
  @Relu
  @MaxPool(2)
  Node pointwise();

  /** ResNeXt's grouped 3x3: 4 groups of 8 channels, each convolved with its own: [32, 7, 7]. */
  @Conv(filters = 32, kernel = 3, pad = 1, groups = 4, bias = false)
  @GroupNorm(groups = 8)
  Node grouped();

  /** The identity shortcut: relu(grouped + pointwise). */
  @Add
  @Relu
  Node sum(Node grouped, Node pointwise);

  /** Global average pooling: [32]. */
  @GlobalAvgPool
  Node pool();

  /** Dense 32→10. */
  @Dense(10)
  Node fc();
}
