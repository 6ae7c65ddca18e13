package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.Idx.n;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serves a {@link Dataset} in mini-batches, epoch after epoch (after llm.c's {@code dataloader.h}):
 * {@code reset()} starts an epoch, {@code next()} returns the next batch, {@code close()} frees.
 *
 * <p>Epoch k visits every example once, in an order that depends only on the seed and k when
 * shuffling (a Fisher–Yates shuffle driven by the k-th {@code split()} of {@code new
 * SplittableRandom(seed)}) and in data set order otherwise. The last batch keeps the remainder
 * (PyTorch's {@code drop_last=False}). Arrays are allocated once per distinct batch size, at most
 * two, and refilled in place with one bulk copy each: a {@link Batch} is valid only until the next
 * call. Not thread-safe.
 */
public final class BatchLoader implements AutoCloseable {
  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final DataType dtype;
  private final long seed;
  private SplittableRandom epochs;
  private final int[] order;
  // Staging arrays sized for a full batch; only the one matching dtype is allocated.
  private final float[] featuresF;
  private final float[] labelsF;
  private final double[] featuresD;
  private final double[] labelsD;
  private Slot full;
  private Slot last;
  private int epoch = -1;
  private int cursor;
  private boolean closed;

  /**
   * Creates a loader and starts epoch 0.
   *
   * @param dtype FLOAT for training, DOUBLE for gradient checks
   */
  public BatchLoader(Dataset data, int batchSize, boolean shuffle, long seed, DataType dtype) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          "batchSize = " + batchSize + "; expected at least 1, " + "e.g. 64");
    }
    if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
      throw new IllegalArgumentException(
          "dtype = " + dtype + "; expected FLOAT (training) or " + "DOUBLE (gradient checks)");
    }
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dtype = dtype;
    this.seed = seed;
    this.epochs = new SplittableRandom(seed);
    this.order = new int[data.size()];
    int staged = Math.min(batchSize, data.size());
    boolean f = dtype == DataType.FLOAT;
    this.featuresF = f ? new float[staged * data.imageSize()] : null;
    this.labelsF = f ? new float[staged * data.classes()] : null;
    this.featuresD = f ? null : new double[staged * data.imageSize()];
    this.labelsD = f ? null : new double[staged * data.classes()];
    reset();
  }

  /** Starts the next epoch (the constructor starts epoch 0), reshuffling if asked to. */
  public void reset() {
    checkOpen();
    epoch++;
    SplittableRandom random = epochs.split(); // split every epoch, so epoch k's order is fixed
    fill(order, shuffle ? random : null);
    cursor = 0;
  }

  /**
   * The order in which a shuffling loader over {@code size} examples with this {@code seed} serves
   * them in epoch {@code epoch} (0 after construction, k after k resets): what a distributed
   * trainer needs to draw the same global batches on every machine without a loader.
   */
  public static int[] order(int size, long seed, int epoch) {
    if (size < 0 || epoch < 0) {
      throw new IllegalArgumentException(
          "order(" + size + ", seed, " + epoch + "): size and epoch count from 0");
    }
    SplittableRandom epochs = new SplittableRandom(seed);
    for (int e = 0; e < epoch; e++) {
      epochs.split();
    }
    int[] order = new int[size];
    fill(order, epochs.split());
    return order;
  }

  // 0, 1, 2, ... then, with a generator, a Fisher–Yates shuffle driven by it.
  private static void fill(int[] order, SplittableRandom random) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (random != null) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
  }

  /** The current epoch: 0 after construction, one more after each {@link #reset()}. */
  public int epoch() {
    return epoch;
  }

  /** The seed the shuffles derive from. */
  public long seed() {
    return seed;
  }

  /**
   * Starts epoch {@code epoch} from its first batch, in the order a loader with this seed gives it
   * after {@code epoch} resets: how a resumed run continues its shuffle sequence. Cheap: one split
   * per skipped epoch and one shuffle.
   */
  public void seek(int epoch) {
    checkOpen();
    if (epoch < 0) {
      throw new IllegalArgumentException("seek(" + epoch + "): epochs count from 0");
    }
    epochs = new SplittableRandom(seed);
    for (int e = 0; e < epoch; e++) {
      epochs.split();
    }
    this.epoch = epoch - 1;
    reset();
  }

  /** Whether the current epoch has batches left. */
  public boolean hasNext() {
    return !closed && cursor < order.length;
  }

  /** The next batch of the epoch; it and its arrays are valid only until the next call. */
  public Batch next() {
    checkOpen();
    if (cursor >= order.length) {
      throw new NoSuchElementException(
          "epoch "
              + epoch
              + " is over: all "
              + n(order.length)
              + " examples were served in "
              + batchesPerEpoch()
              + " batches; call reset() to start "
              + "the next epoch (check hasNext() before next())");
    }
    int b = Math.min(batchSize, order.length - cursor);
    Slot slot = slot(b);
    Batch batch = slot.batch;
    int[] classes = batch.classes();
    int[] indices = batch.indices();
    int pixels = data.imageSize();
    int k = data.classes();
    if (dtype == DataType.FLOAT) {
      Arrays.fill(labelsF, 0, b * k, 0f);
      for (int j = 0; j < b; j++) {
        int i = order[cursor + j];
        indices[j] = i;
        classes[j] = data.label(i);
        data.copyImage(i, featuresF, j * pixels);
        labelsF[j * k + classes[j]] = 1f;
      }
      ((FloatPointer) slot.features).put(featuresF, 0, b * pixels);
      ((FloatPointer) slot.labels).put(labelsF, 0, b * k);
    } else {
      Arrays.fill(labelsD, 0, b * k, 0d);
      for (int j = 0; j < b; j++) {
        int i = order[cursor + j];
        indices[j] = i;
        classes[j] = data.label(i);
        data.copyImage(i, featuresD, j * pixels);
        labelsD[j * k + classes[j]] = 1d;
      }
      ((DoublePointer) slot.features).put(featuresD, 0, b * pixels);
      ((DoublePointer) slot.labels).put(labelsD, 0, b * k);
    }
    cursor += b;
    return batch;
  }

  /** The number of batches per epoch, counting a last partial batch. */
  public int batchesPerEpoch() {
    return (order.length + batchSize - 1) / batchSize;
  }

  /** Frees the batch arrays; the loader and its batches are unusable afterwards. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Slot slot : new Slot[] {full, last}) {
      if (slot != null) {
        close(slot.batch.features());
        close(slot.batch.labels());
      }
    }
    full = null;
    last = null;
  }

  private static void close(INDArray array) {
    if (array.closeable()) {
      array.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this BatchLoader is closed; create a new one");
    }
  }

  private Slot slot(int b) {
    if (b == batchSize) {
      return full != null ? full : (full = new Slot(b));
    }
    return last != null ? last : (last = new Slot(b));
  }

  /** The arrays for one batch size and the raw pointers the bulk copies write through. */
  private final class Slot {
    final Batch batch;
    final Pointer features;
    final Pointer labels;

    Slot(int b) {
      // Detached: a loader outlives any workspace open around its first next().
      INDArray x =
          Nd4j.createUninitializedDetached(
              dtype, 'c', b, data.channels(), data.height(), data.width());
      INDArray y = Nd4j.createUninitializedDetached(dtype, 'c', b, data.classes());
      batch = new Batch(x, y);
      features = pointer(x);
      labels = pointer(y);
    }

    private Pointer pointer(INDArray array) {
      DataBuffer buffer = array.data();
      Pointer p = buffer.pointer();
      boolean ok = dtype == DataType.FLOAT ? p instanceof FloatPointer : p instanceof DoublePointer;
      if (!ok || array.offset() != 0 || p.position() != 0 || buffer.length() != array.length()) {
        throw new IllegalStateException(
            "BatchLoader: the ND4J backend "
                + Nd4j.getBackend().getClass().getSimpleName()
                + " gave a "
                + dtype
                + " buffer behind a "
                + p.getClass().getSimpleName()
                + " at offset "
                + array.offset()
                + "; expected a plain "
                + "host buffer as with nd4j-native (CPU)");
      }
      return p;
    }
  }
}
