package com.example.tiny;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/** Tells a horizontal bar from a vertical one in an 8x8 image. */
@Network(input = @Input(channels = 1, height = 8, width = 8), classes = 2)
public interface TinyNet {
  /** conv(1→4, k3) → ReLU → max-pool 2: [4, 3, 3]. */
  @Conv(filters = 4, kernel = 3) @Relu @MaxPool(2) Node conv();

  /** Flatten (36) → dense 2. */
  @Dense(value = 2, inFeatures = 36) Node fc();
}
