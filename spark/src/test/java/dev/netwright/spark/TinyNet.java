package dev.netwright.spark;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/** A small CNN on 1×8×8 images, 4 classes: fast enough to train many times in tests. */
@Network(input = @Input(channels = 1, height = 8, width = 8), classes = 4)
public interface TinyNet {
  /** conv(1→4, k3) → max-pool 2 → ReLU: [4, 3, 3]. */
  @Conv(filters = 4, kernel = 3)
  @MaxPool(2)
  @Relu
  Node conv1();

  /** Dense 4 from 36 features. */
  @Dense(4)
  Node fc();
}
