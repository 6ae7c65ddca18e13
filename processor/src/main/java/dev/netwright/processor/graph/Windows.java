package dev.netwright.processor.graph;

import dev.netwright.processor.graph.Layer.Padding;

/** Sliding-window arithmetic for convolution and pooling, per axis, with its errors. */
final class Windows {
  private Windows() {}

  /** Output size and padding of one axis. */
  record Axis(int out, int before, int after) {}

  /**
   * Resolves the window of {@code layer} over {@code in}.
   *
   * @param from how messages name where the input comes from
   */
  static Geometry resolve(String layer, String node, Shape in, Value kernel, Value stride,
      Padding padding, boolean floor) throws Failure {
    Axis h = axis(layer, node, in, "height", in.height(), kernel, stride, padding, floor);
    Axis w = axis(layer, node, in, "width", in.width(), kernel, stride, padding, floor);
    boolean symmetric = h.before == h.after && w.before == w.after;
    return new Geometry(kernel.value(), stride.value(), h.before, w.before, h.after, w.after,
        !symmetric);
  }

  private static Axis axis(String layer, String node, Shape in, String name, int size, Value kernel,
      Value stride, Padding padding, boolean floor) throws Failure {
    int k = kernel.value();
    int s = stride.value();
    if (padding.mode() == Padding.Mode.SAME) {
      long out = ((long) size + s - 1) / s;
      long total = Math.max((out - 1) * s + k - size, 0);
      if (total / 2 + total % 2 > Integer.MAX_VALUE / 2) {
        throw new Failure(Messages.tooLarge(layer, node, in, "its SAME padding " + total), kernel.at());
      }
      return new Axis((int) out, (int) (total / 2), (int) (total - total / 2));
    }
    int pad = padding.mode() == Padding.Mode.EXPLICIT ? padding.pad().value() : 0;
    long paddedLong = (long) size + 2L * pad;
    if (paddedLong > Integer.MAX_VALUE) {
      throw new Failure(Messages.tooLarge(layer, node, in, name + " " + paddedLong + " once padded"),
          padding.pad().at());
    }
    int padded = (int) paddedLong;
    String how = padding.mode() == Padding.Mode.EXPLICIT ? "padded " + pad + " on each side" : "VALID";
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
