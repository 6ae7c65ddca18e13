package dev.netwright.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A grouped convolution (PyTorch's {@code groups=}) run as ungrouped {@link Conv2d}s, since ND4J's
 * conv2d has no groups: either one convolution whose weights are the groups' weights on the
 * diagonal of an [O, C, kH, kW] array of zeros, or one convolution per group on channel slices of x
 * and y (views, which the ops accept).
 *
 * <p>The diagonal form does groups times the multiply-adds in one oneDNN call; the per-group form
 * pays every group's calls, and a narrow group's conv2d_bp cost 1-2 ms at batch 64 even for one
 * channel. Measured with KernelBench (FLOAT, batch 64, one thread, 3x3 pad 1, forward plus
 * backward, ms, diagonal against per group): depthwise 16 channels on 12x12 3.0 against 23.6; 32
 * channels in 8 groups 5.1 against 26.4, in 4 groups 4.3 against 8.3, in 2 groups 4.1 against 5.4;
 * 64 in 4 groups 12.3 against 11.7; 128 on 14x14 in 32 groups 63 against 73, in 8 groups 65 against
 * 34, in 4 groups 65 against 39. So groups run apart only when each has at least {@link
 * #WIDE_GROUP} input channels and there are at least {@link #WIDE_INPUT} in all. ND4J's
 * depthwise_conv2d (for groups = input channels) has no oneDNN path in this version: 21 ms forward
 * and 51 ms backward for the 16 channels above, so it is not used.
 */
final class GroupedConv {
  private static final String NAME = "Conv2d";

  /** Input channels per group from which groups may run as convolutions of their own. */
  static final long WIDE_GROUP = 16;

  /** Input channels from which they do. */
  static final long WIDE_INPUT = 64;

  private final INDArray w;
  private final int groups;
  private final boolean diagonal;
  // The diagonal form's [O, C, kH, kW] weights (zeros off the diagonal blocks); null per group.
  private final INDArray full;
  // w's groups copied onto full's diagonal before every forward (the optimizer changes w).
  private final Concat.SampleCopy[] weightCopies;
  private final Conv2d[] parts;
  // Null until withGradients: the diagonal blocks of full's gradient copied into dw.
  private Concat.SampleCopy[] gradientCopies;

  private GroupedConv(
      INDArray y, INDArray x, INDArray w, INDArray b, Window window, int groups, boolean diagonal) {
    this.w = w;
    this.groups = groups;
    long c = x.size(1);
    long o = w.size(0);
    this.diagonal = diagonal;
    if (diagonal) {
      this.full = Nd4j.zeros(w.dataType(), o, c, w.size(2), w.size(3));
      this.weightCopies = diagonalCopies(w, full, false);
      this.parts = new Conv2d[] {new Conv2d(y, x, full, b, window)};
    } else {
      this.full = null;
      this.weightCopies = new Concat.SampleCopy[0];
      this.parts = new Conv2d[groups];
      for (int g = 0; g < groups; g++) {
        parts[g] =
            new Conv2d(
                channels(y, g), channels(x, g), rows(w, g), b == null ? null : rows(b, g), window);
      }
    }
  }

  /** y = conv(x, w) + b in {@code groups} groups; the caller has checked every shape. */
  static GroupedConv of(INDArray y, INDArray x, INDArray w, INDArray b, Window window, int groups) {
    return of(y, x, w, b, window, groups, diagonal(x.size(1), groups));
  }

  /** Whether {@code channels} input channels in {@code groups} groups take the diagonal form. */
  static boolean diagonal(long channels, int groups) {
    return channels / groups < WIDE_GROUP || channels < WIDE_INPUT;
  }

  /** As {@link #of}, in the form asked for (KernelBench compares them). */
  static GroupedConv of(
      INDArray y, INDArray x, INDArray w, INDArray b, Window window, int groups, boolean diagonal) {
    return new GroupedConv(y, x, w, b, window, groups, diagonal);
  }

  /** "diagonal" or "per group". */
  String path() {
    return diagonal ? "diagonal" : "per group";
  }

  void forward() {
    for (Concat.SampleCopy copy : weightCopies) {
      copy.run();
    }
    for (Conv2d part : parts) {
      part.forward();
    }
  }

  /** Binds the gradient buffers (checked by the caller); dx and db may be null. */
  void withGradients(INDArray dx, INDArray dw, INDArray db, INDArray dy) {
    if (diagonal) {
      INDArray fullGradient = Nd4j.create(full.dataType(), full.shape());
      parts[0].withGradients(dx, fullGradient, db, dy);
      gradientCopies = diagonalCopies(dw, fullGradient, true);
      return;
    }
    for (int g = 0; g < groups; g++) {
      parts[g].withGradients(
          dx == null ? null : channels(dx, g),
          rows(dw, g),
          db == null ? null : rows(db, g),
          channels(dy, g));
    }
    gradientCopies = new Concat.SampleCopy[0];
  }

  void backward() {
    for (Conv2d part : parts) {
      part.backward();
    }
    for (Concat.SampleCopy copy : gradientCopies) {
      copy.run();
    }
  }

  /**
   * Copies between group g's weights [O/G, C/G, kH, kW] and full's diagonal block g, either way.
   */
  private Concat.SampleCopy[] diagonalCopies(INDArray grouped, INDArray whole, boolean fromWhole) {
    Concat.SampleCopy[] copies = new Concat.SampleCopy[groups];
    long in = grouped.size(1);
    for (int g = 0; g < groups; g++) {
      INDArray block = Checks.slice(rows(whole, g), 1, g * in, (g + 1) * in);
      copies[g] =
          fromWhole
              ? Concat.SampleCopy.of(NAME, block, rows(grouped, g))
              : Concat.SampleCopy.of(NAME, rows(grouped, g), block);
    }
    return copies;
  }

  private long rowsPerGroup() {
    return w.size(0) / groups;
  }

  /** Group g's output channels of a [O, ...] array (weights, bias and their gradients). */
  private INDArray rows(INDArray a, int g) {
    long size = rowsPerGroup();
    return Checks.slice(a, 0, g * size, (g + 1) * size);
  }

  /** Group g's channels of an [N, C, H, W] array. */
  private INDArray channels(INDArray a, int g) {
    long size = a.size(1) / groups;
    return Checks.slice(a, 1, g * size, (g + 1) * size);
  }
}
