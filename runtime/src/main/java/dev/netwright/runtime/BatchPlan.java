package dev.netwright.runtime;

import dev.netwright.runtime.kernel.Accumulate;
import dev.netwright.runtime.kernel.Copy;
import dev.netwright.runtime.kernel.Loss;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The buffers of one batch size: a single generated {@link GeneratedModel.Batch}, or several that
 * each take a contiguous block of the examples and run side by side on {@link Lanes}.
 *
 * <p>A split batch computes what the whole batch would: the head sees all outputs at once (so a
 * mean loss divides by the whole batch), each part back-propagates its rows of the output
 * gradient, and the parameter gradients of parts 1.. are added into part 0's, which are the
 * model's. Only the order of the final sums differs. Networks whose examples interact in training
 * (batch statistics, dropout masks drawn over the whole batch) are not split in training.
 */
final class BatchPlan {
  final int n;
  final GeneratedModel.Batch[] parts;
  /** The whole batch's input, output and head; part 0's own arrays when there is one part. */
  final INDArray input;
  final INDArray output;
  final Loss loss;
  INDArray outputGradient;

  /** A view of {@link #input}'s memory for the finiteness check, made on first use. */
  java.nio.Buffer inputView;
  /** 0/1 labels [N, 1] taken from one-hot [N, 2] labels, for a binary head; made on first use. */
  INDArray binaryLabels;
  boolean backwardReady;
  boolean lossReady;

  /** Unsplit and small: its calls run on one native thread each, its branches side by side. */
  private final boolean narrow;
  private final Consumer<GeneratedModel.Batch> forward;
  private final Consumer<GeneratedModel.Batch> backward;
  private final Runnable[] forwardTasks;
  // copyIn's source: the address of the caller's array, set per call (no Pointer per call).
  private final Address from = new Address();
  private Pointer inputMemory;
  private Runnable[] backwardTasks;
  // Parts 1.. zero their own parameter gradients (shadowBytes each) before backward; sums add them in after.
  private long shadowBytes;
  private Accumulate[] sums;

  /**
   * One batch, no split; {@code narrow}: its calls do so little work that they run on one native
   * thread, and its branches ({@link Branches}) side by side on as many lanes as the thread asks for.
   */
  BatchPlan(GeneratedModel.Batch batch, boolean narrow, Consumer<GeneratedModel.Batch> forward,
      Consumer<GeneratedModel.Batch> backward) {
    this.n = batch.n;
    this.narrow = narrow;
    this.parts = new GeneratedModel.Batch[] {batch};
    this.input = batch.input;
    this.output = batch.output;
    this.loss = batch.loss;
    this.forward = forward;
    this.backward = backward;
    this.forwardTasks = null;
  }

  /**
   * Parts of sizes summing to {@code input.size(0)}, in order; {@code output} and {@code head}
   * are the whole batch's, allocated by the caller.
   */
  BatchPlan(GeneratedModel.Batch[] parts, INDArray input, INDArray output, Loss head,
      Consumer<GeneratedModel.Batch> forward, Consumer<GeneratedModel.Batch> backward) {
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
      GeneratedModel.Batch part = parts[i];
      Copy in = new Copy(part.input, rows(input, row, part.n));
      Copy out = new Copy(rows(output, row, part.n), part.output);
      forwardTasks[i] = () -> {
        in.run();
        forward.accept(part);
        out.run();
      };
      row += part.n;
    }
  }

  /**
   * input = given (same shape, checked by the caller): one memmove when given is an array of its own
   * in c order and of input's type (INDArray.assign costs about 380 bytes of garbage per call),
   * else assign, which converts types and walks any layout.
   */
  void copyIn(INDArray given) {
    if (given.isView() || given.ordering() != 'c' || given.dataType() != input.dataType()
        || given.data().length() != given.length()) {
      input.assign(given);
      return;
    }
    if (inputMemory == null) {
      inputMemory = input.data().pointer(); // input is an array of its own, made by this plan
    }
    long width = input.dataType().width();
    // memmove, not memcpy: nothing is assumed about where the caller's array lives.
    Pointer.memmove(inputMemory, from.at(given.data().address() + given.offset() * width), input.length() * width);
  }

  /** A pointer whose address is set, not owned: where copyIn reads from. */
  private static final class Address extends Pointer {
    Address at(long address) {
      this.address = address;
      return this;
    }
  }

  /** Sizes of k nearly equal blocks of n examples, larger ones first. */
  static int[] sizes(int n, int k) {
    int[] s = new int[k];
    for (int i = 0; i < k; i++) {
      s[i] = n / k + (i < n % k ? 1 : 0);
    }
    return s;
  }

  /** Whether the batch is split. */
  boolean split() {
    return parts.length > 1;
  }

  /** Runs the forward pass of every part from {@link #input}, filling {@link #output}. */
  void forward() {
    if (forwardTasks == null) {
      width();
      forward.accept(parts[0]);
    } else {
      Lanes.run(forwardTasks);
    }
  }

  /**
   * Arms backward: parts 1.. get gradient buffers of their own ({@code shadowGradients[i]}, flat,
   * laid out as the model's) and the whole batch an output gradient ({@code outputGradient}, only
   * when split).
   */
  void enableBackward(INDArray wholeOutputGradient, INDArray modelGradients, INDArray[] shadowGradients) {
    for (int i = 0; i < parts.length; i++) {
      parts[i].gradients = i == 0 ? null : shadowGradients[i];
      parts[i].enableBackward();
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
      GeneratedModel.Batch part = parts[i];
      Copy in = new Copy(part.outputGradient, rows(wholeOutputGradient, row, part.n));
      Pointer shadow = i == 0 ? null : shadowGradients[i].data().pointer();
      if (i > 0) {
        sums[i] = new Accumulate(modelGradients, shadowGradients[i]);
      }
      backwardTasks[i] = () -> {
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

  /** Back-propagates {@link #outputGradient} through every part and sums their parameter gradients. */
  void backward() {
    if (backwardTasks == null) {
      width();
      backward.accept(parts[0]);
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
