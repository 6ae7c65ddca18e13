package dev.netwright.processor.layer;

import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.Value;

/** The rules several layers share: positive sizes, padding, a [C, H, W] input, numbers in range. */
final class Checks {
  private Checks() {}

  /** {@code v} must be positive; {@code example} is the fix. */
  static Problem positive(Value v, String what, String node, String example) {
    return v.value() > 0
        ? null
        : Problem.error(Messages.nonPositive(what, v.value(), node, example), v.at());
  }

  /**
   * Explicit padding: not negative, not beside SAME, and for pooling ({@code poolWindow} > 0) at
   * most half the window.
   */
  static Problem padding(WindowPadding padding, String layer, String node, int poolWindow) {
    Value pad = padding.pad();
    if (pad == null || !pad.written()) {
      return null;
    }
    if (pad.value() < 0) {
      return Problem.error(Messages.negativePad(pad.value(), node), pad.at());
    }
    if (padding.mode() == WindowPadding.Mode.SAME) {
      return Problem.error(Messages.paddingConflict(layer, node), pad.at());
    }
    if (poolWindow > 0 && pad.value() > poolWindow / 2) {
      return Problem.error(Messages.padTooLarge(layer, node, pad.value(), poolWindow), pad.at());
    }
    return null;
  }

  /** {@code r} must lie in {@code range}; otherwise the out-of-range problem with {@code hint}. */
  static Problem inRange(
      boolean inRange, String what, String node, Real r, String range, String hint) {
    return inRange
        ? null
        : Problem.error(Messages.outOfRange(what, node, r.value(), range, hint), r.at());
  }

  /** The first problem that is not null, or null. */
  static Problem first(Problem... problems) {
    for (Problem p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** The layer needs a [C, H, W] input. */
  static void requireSpatial(Layer layer, LayerInput input) throws Failure {
    if (input.shape().flat()) {
      throw new Failure(
          Messages.needsSpatial(layer.label(), input.node(), input.from(), input.shape()),
          layer.at());
    }
  }
}
