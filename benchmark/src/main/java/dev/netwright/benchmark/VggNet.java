package dev.netwright.benchmark;

import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.VGGBlock;

/**
 * The benchmark's larger network: three VGG blocks on CIFAR-sized input, about 150 million
 * multiply-adds per example, so convolutions rather than per-op overheads set the pace.
 */
@Network(input = @Input(channels = 3, height = 32, width = 32), classes = 10)
interface VggNet {
  /** 2 x conv 3x3 (64) → max-pool 2: [64, 16, 16]. */
  @VGGBlock(convs = 2, filters = 64)
  Node block1();

  /** 2 x conv 3x3 (128) → max-pool 2: [128, 8, 8]. */
  @VGGBlock(convs = 2, filters = 128)
  Node block2();

  /** 2 x conv 3x3 (256) → max-pool 2: [256, 4, 4]. */
  @VGGBlock(convs = 2, filters = 256)
  Node block3();

  /** Flatten (4096) → dense 10. */
  @Dense(10)
  Node fc();
}
