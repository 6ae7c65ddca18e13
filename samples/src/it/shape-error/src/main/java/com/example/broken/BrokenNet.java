package com.example.broken;

import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;

/** TinyNet with a mistake: the convolution gives [4, 3, 3] = 36 features, not 64. */
@Network(input = @Input(channels = 1, height = 8, width = 8), classes = 2)
public interface BrokenNet {
  @Conv(filters = 4, kernel = 3) @Relu @MaxPool(2) Node conv();

  @Dense(value = 2, inFeatures = 64) Node fc();
}
