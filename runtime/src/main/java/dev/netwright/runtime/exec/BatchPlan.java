package dev.netwright.runtime.exec;

import dev.netwright.runtime.kernel.Accumulate;
import dev.netwright.runtime.kernel.Copy;
import dev.netwright.runtime.kernel.Loss;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The buffers of one batch size: a single {@link Part} (the generated buffer set), or several that
 * each take a contiguous block of the examples and run side by side on {@link Lanes}.
 *
 * <p>A split batch computes what the whole batch would: the head sees all outputs at once (so a
 * mean loss divides by the whole batch), each part back-propagates its rows of the output gradient,
 * and the parameter gradients of parts 1.. are added into part 0's, which are the model's. Only the
 * order of the final sums differs. Networks whose examples interact in training (batch statistics,
 * dropout masks drawn over the whole batch) are not split in training.
 *
 * <p>Made and driven by the model base ({@code GeneratedModel}); not for user code.
 *
 * @param <P> the model's buffer set
 */
public final class BatchPlan<P extends Part> {
  private final int n;
  // P's; an array of Part because a generic array cannot be made (part(i) casts, which costs
  // nothing).
  private final Part[] parts;
  // The whole batch's input, output and head; part 0's own arrays when there is one part.
  private final INDArray input;
  private final INDArray output;
  private final Loss loss;
  private INDArray outputGradient;
  private boolean backwardReady;

  /** Unsplit and small: its calls run on one native thread each, its branches side by side. */
  private final boolean narrow;

  private final Consumer<P> forward;
  private final Consumer<P> backward;
  private final Runnable[] forwardTasks;
  // copyIn's source: the address of the caller's array, set per call (no Pointer per call).
  private final Address from = new Address();
  private Pointer inputMemory;
  private Runnable[] backwardTasks;
  // Parts 1.. zero their own parameter gradients (shadowBytes each) before backward; sums add them
  // in after.
  private long shadowBytes;
  private Accumulate[] sums;

  /**
   * One batch, no split; {@code narrow}: its calls do so little work that they run on one native
   * thread, and its branches ({@link Branches}) side by side on as many lanes as the thread asks
   * for.
   */
  public BatchPlan(P batch, boolean narrow, Consumer<P> forward, Consumer<P> backward) {
    this.n = batch.n;
    this.narrow = narrow;
    this.parts = new Part[] {batch};
    this.input = batch.input;
    this.output = batch.output;
    this.loss = batch.loss;
    this.forward = forward;
    this.backward = backward;
    this.forwardTasks = null;
  }

  /**
   * Parts of sizes summing to {@code input.size(0)}, in order; {@code output} and {@code head} are
   * the whole batch's, allocated by the caller.
   */
  public BatchPlan(
      P[] parts,
      INDArray input,
      INDArray output,
      Loss head,
      Consumer<P> forward,
      Consumer<P> backward) {
    this.n = (int) input.size(0);
    this.narrow = false;
    this.parts = parts.clone();
    this.input = input;
    this.output = output;
    this.loss = head;
    this.forward = forward;
    this.backward = backward;
    this.forwardTasks = new Runnable[parts.length];
    long row = 0;
    for (int i = 0; i < parts.length; i++) {
      P part = parts[i];
      Copy in = new Copy(part.input, rows(input, row, part.n));
      Copy out = new Copy(rows(output, row, part.n), part.output);
      forwardTasks[i] =
          () -> {
            in.run();
            forward.accept(part);
            out.run();
          };
      row += part.n;
    }
  }

  /** Batch size, over all parts. */
  public int n() {
    return n;
  }

  /** Number of parts, 1 when the batch is not split. */
  public int partCount() {
    return parts.length;
  }

  /** Part {@code i}, in the order of the examples. */
  @SuppressWarnings("unchecked")
  public P part(int i) {
    return (P) parts[i];
  }

  /** The whole batch's input [N, C, H, W]. */
  public INDArray input() {
    return input;
  }

  /** The whole batch's output [N, ...]. */
  public INDArray output() {
    return output;
  }

  /** The head over the whole batch's output, or null for a network without one. */
  public Loss loss() {
    return loss;
  }

  /** The gradient of the whole batch's output, once {@link #enableBackward} has run; else null. */
  public INDArray outputGradient() {
    return outputGradient;
  }

  /** Whether {@link #enableBackward} has run. */
  public boolean backwardReady() {
    return backwardReady;
  }

  /**
   * input = given (same shape, checked by the caller): one memmove when given is an array of its
   * own in c order and of input's type (INDArray.assign costs about 380 bytes of garbage per call),
   * else assign, which converts types and walks any layout.
   */
  public void copyIn(INDArray given) {
    if (given.isView()
        || given.ordering() != 'c'
        || given.dataType() != input.dataType()
        || given.data().length() != given.length()) {
      input.assign(given);
      return;
    }
    if (inputMemory == null) {
      inputMemory = input.data().pointer(); // input is an array of its own, made by this plan
    }
    long width = input.dataType().width();
    // memmove, not memcpy: nothing is assumed about where the caller's array lives.
    Pointer.memmove(
        inputMemory,
        from.at(given.data().address() + given.offset() * width),
        input.length() * width);
  }

  /** A pointer whose address is set, not owned: where copyIn reads from. */
  private static final class Address extends Pointer {
    Address at(long address) {
      this.address = address;
      return this;
    }
  }

  /** Sizes of k nearly equal blocks of n examples, larger ones first. */
  public static int[] sizes(int n, int k) {
    int[] s = new int[k];
    for (int i = 0; i < k; i++) {
      s[i] = n / k + (i < n % k ? 1 : 0);
    }
    return s;
  }

  /** Whether the batch is split. */
  public boolean split() {
    return parts.length > 1;
  }

  /** Runs the forward pass of every part from {@link #input()}, filling {@link #output()}. */
  public void forward() {
    if (forwardTasks == null) {
      width();
      forward.accept(part(0));
    } else {
      Lanes.run(forwardTasks);
    }
  }

  /**
   * Arms backward: every part allocates its gradient buffers (parts 1.. write their parameter
   * gradients into {@code shadowGradients[i]}, flat, laid out as {@code modelGradients}, where the
   * caller has pointed them), and the whole batch gets an output gradient ({@code
   * wholeOutputGradient}, only when split; null arguments when not).
   */
  public void enableBackward(
      INDArray wholeOutputGradient, INDArray modelGradients, INDArray[] shadowGradients) {
    for (Part part : parts) {
      part.enableBackward();
    }
    if (!split()) {
      outputGradient = parts[0].outputGradient;
      backwardReady = true;
      return;
    }
    outputGradient = wholeOutputGradient;
    sums = new Accumulate[parts.length];
    shadowBytes = modelGradients.length() * modelGradients.dataType().width();
    backwardTasks = new Runnable[parts.length];
    long row = 0;
    for (int i = 0; i < parts.length; i++) {
      P part = part(i);
      Copy in = new Copy(part.outputGradient, rows(wholeOutputGradient, row, part.n));
      Pointer shadow = i == 0 ? null : shadowGradients[i].data().pointer();
      if (i > 0) {
        sums[i] = new Accumulate(modelGradients, shadowGradients[i]);
      }
      backwardTasks[i] =
          () -> {
            if (shadow != null) {
              Pointer.memset(shadow, 0, shadowBytes);
            }
            in.run();
            backward.accept(part);
          };
      row += part.n;
    }
    backwardReady = true;
  }

  /**
   * Back-propagates {@link #outputGradient()} through every part and sums their parameter
   * gradients.
   */
  public void backward() {
    if (backwardTasks == null) {
      width();
      backward.accept(part(0));
      return;
    }
    Lanes.run(backwardTasks);
    for (int i = 1; i < sums.length; i++) {
      sums[i].run();
    }
  }

  // An unsplit batch: narrow (one native thread, branches on every lane asked for) or wide.
  private void width() {
    if (narrow) {
      Lanes.narrow();
      parts[0].lanes = Lanes.requested();
    } else {
      Lanes.widen();
      parts[0].lanes = 1;
    }
  }

  private static INDArray rows(INDArray a, long from, long count) {
    INDArrayIndex[] index = new INDArrayIndex[a.rank()];
    index[0] = NDArrayIndex.interval(from, from + count);
    for (int d = 1; d < index.length; d++) {
      index[d] = NDArrayIndex.all();
    }
    return a.get(index);
  }
}
