package dev.netwright.spark;

import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;

/** Another network on TinyNet's input: its weights and checkpoints must not fit TinyNet. */
@Network(input = @Input(channels = 1, height = 8, width = 8), classes = 4)
public interface OtherNet {
  /** Dense 4 from 64 features. */
  @Dense(4)
  Node fc();
}
