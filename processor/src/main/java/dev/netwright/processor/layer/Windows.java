package dev.netwright.processor.layer;

import dev.netwright.dsl.Rounding;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Geometry;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.layer.WindowPadding.Mode;

/** Sliding-window arithmetic for convolution and pooling, per axis, with its errors. */
final class Windows {
  private Windows() {}

  /** Whether windows that do not tile the input are dropped (as PyTorch does) or refused. */
  static boolean floor(Rounding rounding) {
    return switch (rounding) {
      case FLOOR -> true;
      case EXACT -> false;
    };
  }

  /** Output size and padding of one axis. */
  private record Axis(int out, int before, int after) {}

  /** Resolves the window of {@code layer} (its label) over {@code in}. */
  static Geometry resolve(
      String layer,
      String node,
      Shape in,
      Value kernel,
      Value stride,
      WindowPadding padding,
      boolean floor)
      throws Failure {
    Axis h = axis(layer, node, in, "height", in.height(), kernel, stride, padding, floor);
    Axis w = axis(layer, node, in, "width", in.width(), kernel, stride, padding, floor);
    boolean symmetric = h.before == h.after && w.before == w.after;
    return new Geometry(
        kernel.value(), stride.value(), h.before, w.before, h.after, w.after, !symmetric);
  }

  /** The [channels, H, W] the window {@code g} gives over {@code in}. */
  static Shape out(int channels, Shape in, Geometry g) {
    return Shape.map(
        channels,
        outSize(in.height(), g.padTop() + g.padBottom(), g),
        outSize(in.width(), g.padLeft() + g.padRight(), g));
  }

  private static int outSize(int in, int totalPad, Geometry g) {
    return (int) (((long) in + totalPad - g.kernel()) / g.stride() + 1);
  }

  /** "5x5 s1 VALID", "3x3 s2 SAME (pad 0/1, 0/1)", "3x3 s1 pad 1": how the summary shows it. */
  static String describe(Geometry g, WindowPadding padding) {
    String pad =
        switch (padding.mode()) {
          case SAME ->
              "SAME"
                  + (g.same()
                      ? " (pad "
                          + g.padTop()
                          + "/"
                          + g.padBottom()
                          + ", "
                          + g.padLeft()
                          + "/"
                          + g.padRight()
                          + ")"
                      : " (pad " + g.padTop() + ")");
          case EXPLICIT -> "pad " + g.padTop();
          case VALID -> "VALID";
        };
    return g.kernel() + "x" + g.kernel() + " s" + g.stride() + " " + pad;
  }

  private static Axis axis(
      String layer,
      String node,
      Shape in,
      String name,
      int size,
      Value kernel,
      Value stride,
      WindowPadding padding,
      boolean floor)
      throws Failure {
    int k = kernel.value();
    int s = stride.value();
    if (padding.mode() == Mode.SAME) {
      long out = ((long) size + s - 1) / s;
      long total = Math.max((out - 1) * s + k - size, 0);
      if (total / 2 + total % 2 > Integer.MAX_VALUE / 2) {
        throw new Failure(
            Messages.tooLarge(layer, node, in, "its SAME padding " + total), kernel.at());
      }
      return new Axis((int) out, (int) (total / 2), (int) (total - total / 2));
    }
    int pad = padding.mode() == Mode.EXPLICIT ? padding.pad().value() : 0;
    long paddedLong = (long) size + 2L * pad;
    if (paddedLong > Integer.MAX_VALUE) {
      throw new Failure(
          Messages.tooLarge(layer, node, in, name + " " + paddedLong + " once padded"),
          padding.pad().at());
    }
    int padded = (int) paddedLong;
    String how = padding.mode() == Mode.EXPLICIT ? "padded " + pad + " on each side" : "VALID";
    if (k > padded) {
      throw new Failure(
          Messages.windowTooLarge(layer, node, k, name, padded, in, how), kernel.at());
    }
    int leftover = (padded - k) % s;
    if (leftover != 0 && !floor) {
      throw new Failure(
          Messages.inexact(layer, node, name, padded, k, s, leftover, in, how), stride.at());
    }
    return new Axis((padded - k) / s + 1, pad, pad);
  }
}
