package dev.netwright.runtime.kernel;

/**
 * Window of a convolution or pooling: kernel, stride, padding. same=true means TensorFlow SAME
 * (ND4J mode 1: out = ceil(in/stride), extra pad bottom/right; pH/pW ignored); otherwise explicit
 * symmetric padding pH, pW (VALID is pH = pW = 0); out = floor((in + 2p - k)/s) + 1. Dilation is
 * always 1.
 *
 * @param kH kernel height, at least 1
 * @param kW kernel width, at least 1
 * @param sH vertical stride, at least 1
 * @param sW horizontal stride, at least 1
 * @param pH padding added at the top and at the bottom (explicit mode), at least 0
 * @param pW padding added at the left and at the right (explicit mode), at least 0
 * @param same TensorFlow SAME padding instead of the explicit pH, pW
 */
public record Window(int kH, int kW, int sH, int sW, int pH, int pW, boolean same) {
  /** Validates that kernel and stride are positive and padding non-negative. */
  public Window {
    if (kH < 1 || kW < 1) {
      throw new IllegalArgumentException(
          "window kernel must be at least 1x1, got " + kH + "x" + kW);
    }
    if (sH < 1 || sW < 1) {
      throw new IllegalArgumentException(
          "window stride must be at least 1x1, got " + sH + "x" + sW);
    }
    if (pH < 0 || pW < 0) {
      throw new IllegalArgumentException(
          "window padding must not be negative, got " + pH + "x" + pW);
    }
  }

  /**
   * Output height for an input of the given height (may be 0 or negative if the window does not
   * fit).
   */
  long outH(long inH) {
    return out(inH, kH, sH, pH);
  }

  /** Output width for an input of the given width. */
  long outW(long inW) {
    return out(inW, kW, sW, pW);
  }

  /** Padding above the input (SAME puts the odd extra row below, as TensorFlow does). */
  long padTop(long inH) {
    return same ? sameTotal(inH, kH, sH) / 2 : pH;
  }

  /** Padding below the input. */
  long padBottom(long inH) {
    return same ? sameTotal(inH, kH, sH) - padTop(inH) : pH;
  }

  /** Padding left of the input. */
  long padLeft(long inW) {
    return same ? sameTotal(inW, kW, sW) / 2 : pW;
  }

  /** Padding right of the input. */
  long padRight(long inW) {
    return same ? sameTotal(inW, kW, sW) - padLeft(inW) : pW;
  }

  /** ND4J's padding-mode integer argument: 0 explicit, 1 SAME. */
  int mode() {
    return same ? 1 : 0;
  }

  /** Human-readable form for error messages, e.g. "3x3 stride 2x2 SAME". */
  String describe() {
    String padding = same ? "SAME" : (pH == 0 && pW == 0 ? "VALID" : "padding " + pH + "x" + pW);
    return kH + "x" + kW + " stride " + sH + "x" + sW + " " + padding;
  }

  private long out(long in, int k, int s, int p) {
    return same ? ceilDiv(in, s) : Math.floorDiv(in + 2L * p - k, s) + 1;
  }

  // TensorFlow's total SAME padding; never negative (a stride larger than the kernel skips input).
  private static long sameTotal(long in, int k, int s) {
    return Math.max(0, (ceilDiv(in, s) - 1) * s + k - in);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
