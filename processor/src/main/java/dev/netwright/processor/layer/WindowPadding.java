package dev.netwright.processor.layer;

import dev.netwright.dsl.Padding;
import dev.netwright.processor.graph.Value;

/** How a window treats the border: VALID, SAME, or explicit {@code pad} on each side. */
public record WindowPadding(Mode mode, Value pad) {
  /** The padding rule. */
  public enum Mode {
    VALID,
    SAME,
    EXPLICIT
  }

  /** {@code padding = SAME}, or else {@code pad} when written, or else VALID. */
  static WindowPadding parse(Padding padding, Value pad) {
    return switch (padding) {
      case SAME -> new WindowPadding(Mode.SAME, pad);
      case VALID -> new WindowPadding(pad.written() ? Mode.EXPLICIT : Mode.VALID, pad);
    };
  }

  @Override
  public String toString() {
    return mode == Mode.EXPLICIT ? "pad " + pad.value() : mode.name();
  }
}
