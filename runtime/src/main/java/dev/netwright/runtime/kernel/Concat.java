package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * y[N, C1+C2+…, H, W] = the inputs concatenated on channels (torch.cat(dim=1)): forward and
 * backward.
 */
public final class Concat extends Kernel {
  private static final String NAME = "Concat";
  private static final long[] CHANNEL_AXIS = {1};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final INDArray y;
  private final INDArray[] xs;

  /**
   * Batches up to this size concatenate by copying each input's samples into y's channel slices.
   */
  static final int COPY_BATCH = 8;

  // Exactly one of forward (the native concat) and copies (per input, its samples) is non-null.
  private final PreparedOp forward;
  private final SampleCopy[] copies;
  // Null until withGradients.
  private SampleCopy[] backward;

  /**
   * y = the xs concatenated on channels; at least two inputs [N, Ci, H, W] of one N, H, W, and a
   * contiguous c-order y [N, sum Ci, H, W]. The xs must not overlap y.
   */
  public Concat(INDArray y, INDArray... xs) {
    super(NAME, "dy", "dxs...");
    if (xs == null || xs.length < 2) {
      throw new IllegalArgumentException(
          NAME
              + " needs at least 2 inputs, but got "
              + (xs == null ? "none" : xs.length + ": " + PreparedOp.shapes(xs)));
    }
    Checks.rank(NAME, "xs[0]", xs[0], 4, "[N, C, H, W]");
    long n = xs[0].size(0);
    long h = xs[0].size(2);
    long w = xs[0].size(3);
    long channels = 0;
    String[] names = new String[xs.length + 1];
    for (int i = 0; i < xs.length; i++) {
      names[i] = "xs[" + i + "]";
      Checks.rank(NAME, names[i], xs[i], 4, "[N, C, H, W]");
      long c = xs[i].size(1);
      Checks.shape(
          NAME,
          names[i],
          xs[i],
          new long[] {n, c, h, w},
          "(N, H, W of xs[0] " + Arrays.toString(xs[0].shape()) + "; only channels may differ)");
      channels += c;
    }
    names[xs.length] = "y";
    Checks.shape(
        NAME,
        "y",
        y,
        new long[] {n, channels, h, w},
        "(the inputs " + PreparedOp.shapes(xs) + " concatenated on channels)");
    INDArray[] all = Arrays.copyOf(xs, xs.length + 1);
    all[xs.length] = y;
    Checks.sameFloatType(NAME, names, all);
    Checks.contiguous(NAME, "y", y);
    this.y = y;
    this.xs = xs.clone();
    // One native concat: 0 bytes and ~80 µs per call for four [64,16..24,12,12] FLOAT inputs on
    // one thread (~48 µs on two), about a memmove per sample and input (~75 µs, one thread only).
    // Copying into channel-slice views with ND4J's assign ops was 7-100x slower (see SampleCopy).
    // A small batch copies instead: the native concat costs ~24 µs for one [1, 88, 12, 12] output
    // (fixed cost), four memmoves ~1 µs.
    if (n <= COPY_BATCH) {
      this.forward = null;
      this.copies = new SampleCopy[xs.length];
      long c0 = 0;
      for (int i = 0; i < xs.length; i++) {
        long c1 = c0 + xs[i].size(1);
        copies[i] =
            SampleCopy.of(
                NAME,
                xs[i],
                y.get(
                    NDArrayIndex.all(),
                    NDArrayIndex.interval(c0, c1),
                    NDArrayIndex.all(),
                    NDArrayIndex.all()));
        c0 = c1;
      }
    } else {
      this.copies = null;
      this.forward =
          PreparedOp.custom(NAME, "concat", this.xs, new INDArray[] {y}, CHANNEL_AXIS, NO_T, NO_B);
    }
  }

  /** Computes y from the xs into the y given at construction. */
  public void forward() {
    if (copies == null) {
      forward.exec();
      return;
    }
    for (SampleCopy copy : copies) {
      copy.run();
    }
  }

  /**
   * Enables backward: dxs[i] receives the channel slice of dy that belongs to input i. An entry may
   * be null (that input needs no gradient); the others must not overlap dy. Returns this.
   */
  public Concat withGradients(INDArray dy, INDArray... dxs) {
    if (backward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dy", dy, y.shape(), "(the shape of y)");
    if (dxs == null || dxs.length != xs.length) {
      throw new IllegalArgumentException(
          NAME
              + ": withGradients needs one dx per input, "
              + xs.length
              + " in all (null for an input that needs no gradient), but got "
              + (dxs == null ? "none" : dxs.length + ": " + PreparedOp.shapes(dxs)));
    }
    INDArray[] all = new INDArray[dxs.length + 2];
    String[] names = new String[all.length];
    all[0] = y;
    names[0] = "y";
    all[1] = dy;
    names[1] = "dy";
    for (int i = 0; i < dxs.length; i++) {
      names[i + 2] = "dxs[" + i + "]";
      all[i + 2] = dxs[i];
      if (dxs[i] != null) {
        Checks.shape(NAME, names[i + 2], dxs[i], xs[i].shape(), "(the shape of xs[" + i + "])");
      }
    }
    Checks.sameFloatType(NAME, names, all);
    SampleCopy[] copies = new SampleCopy[dxs.length];
    int count = 0;
    long c0 = 0;
    for (int i = 0; i < dxs.length; i++) {
      long c1 = c0 + xs[i].size(1);
      if (dxs[i] != null) {
        INDArray slice =
            dy.get(
                NDArrayIndex.all(),
                NDArrayIndex.interval(c0, c1),
                NDArrayIndex.all(),
                NDArrayIndex.all());
        copies[count++] = SampleCopy.of(NAME, slice, dxs[i]);
      }
      c0 = c1;
    }
    backward = Arrays.copyOf(copies, count);
    return this;
  }

  /** Copies each channel slice of dy into its dx, overwriting the dxs. */
  @Override
  public void backward() {
    if (backward == null) {
      throw backwardWithoutGradients(y);
    }
    for (SampleCopy copy : backward) {
      copy.run();
    }
  }

  /**
   * dst = src for two arrays of one shape and dtype, as one memmove per sample (index on axis 0)
   * when each sample of both is one dense c-order run, as in contiguous arrays, their reshapes and
   * their channel slices; otherwise (e.g. a permuted view) as a prepared native "assign", which
   * handles any layout but walks it element by element.
   *
   * <p>Why not an ND4J op: the channel slices of dy are strided, and every ND4J way to copy them
   * walks them element by element. For four slices [64,16..24,12,12] FLOAT on one thread: memmove
   * per sample ~75 µs; the "slice" and "split_v" ops ~520 µs; INDArray.assign ~530 µs and ~490
   * bytes per call; the "assign" custom op ~3500 µs. For a contiguous [64,16,12,12] the memmove
   * (~13 µs) still beat the "assign" op (~23 µs). Used by Add too.
   */
  static final class SampleCopy {
    // The pointers below do not own memory: these fields keep the buffers alive.
    private final INDArray src;
    private final INDArray dst;
    private final PreparedOp fallback;
    private final BytePointer from;
    private final BytePointer to;
    private final long runs;
    private final long runBytes;
    private final long fromStep;
    private final long toStep;

    private SampleCopy(
        INDArray src,
        INDArray dst,
        PreparedOp fallback,
        long runs,
        long runBytes,
        long fromStep,
        long toStep) {
      this.src = src;
      this.dst = dst;
      this.fallback = fallback;
      // addressPointer() of a view points at its first element (data() is the view's window).
      this.from = fallback == null ? new BytePointer(src.data().addressPointer()) : null;
      this.to = fallback == null ? new BytePointer(dst.data().addressPointer()) : null;
      this.runs = runs;
      this.runBytes = runBytes;
      this.fromStep = fromStep;
      this.toStep = toStep;
    }

    /** A copy from src to dst, which have one shape and one dtype (the caller checked). */
    static SampleCopy of(String kernel, INDArray src, INDArray dst) {
      if (!denseSamples(src) || !denseSamples(dst)) {
        PreparedOp assign =
            PreparedOp.custom(
                kernel,
                "assign",
                new INDArray[] {dst, src},
                new INDArray[] {dst},
                new long[] {},
                new double[] {},
                new boolean[] {});
        return new SampleCopy(src, dst, assign, 0, 0, 0, 0);
      }
      long width = src.dataType().width();
      long samples = src.rank() == 0 ? 1 : src.size(0);
      long perSample = samples == 0 ? 0 : src.length() / samples;
      if (samples == 1 || (src.stride(0) == perSample && dst.stride(0) == perSample)) {
        return new SampleCopy(src, dst, null, 1, src.length() * width, 0, 0);
      }
      return new SampleCopy(
          src, dst, null, samples, perSample * width, src.stride(0) * width, dst.stride(0) * width);
    }

    void run() {
      if (fallback != null) {
        fallback.exec();
        return;
      }
      for (long i = 0; i < runs; i++) {
        // memmove, not memcpy: a dx that is exactly its slice of dy would overlap itself.
        Pointer.memmove(to.position(i * toStep), from.position(i * fromStep), runBytes);
      }
    }

    // True if axes 1.. have c-order strides; axes of size 1 may have any stride.
    private static boolean denseSamples(INDArray a) {
      long[] shape = a.shape();
      long[] stride = a.stride();
      long expected = 1;
      for (int d = shape.length - 1; d >= 1; d--) {
        if (shape[d] != 1 && stride[d] != expected) {
          return false;
        }
        expected *= shape[d];
      }
      return true;
    }
  }
}
