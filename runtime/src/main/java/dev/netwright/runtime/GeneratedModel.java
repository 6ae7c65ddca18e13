package dev.netwright.runtime;

import dev.netwright.runtime.kernel.SoftmaxCrossEntropy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The base of every generated network: input checks, one set of buffers per batch size, and the
 * order of calls. The generated subclass allocates its buffers and holds the straight-line
 * {@code forward} and {@code backward}.
 *
 * @param <B> the generated buffer set
 */
public abstract class GeneratedModel<B extends GeneratedModel.Batch> implements Model {
  /** Batch sizes whose buffers are kept; the least recently used set beyond this is dropped. */
  private static final int CACHED_BATCH_SIZES = 4;

  /** Buffers and kernels for one batch size, allocated once and reused by every step. */
  protected abstract static class Batch {
    /** Batch size. */
    protected final int n;

    /** The network input [N, C, H, W], copied from the caller's array. */
    protected INDArray input;

    /** The last node's output [N, ...]. */
    protected INDArray output;

    /** Gradient of the loss with respect to {@link #output}, allocated with the backward pass. */
    protected INDArray outputGradient;

    /** The head, or null for a network without one. */
    protected SoftmaxCrossEntropy loss;

    private boolean backwardReady;
    private boolean lossReady;

    /** A buffer set for batch size {@code n}. */
    protected Batch(int n) {
      this.n = n;
    }

    /** Allocates gradient buffers and arms the kernels' backward passes. */
    protected abstract void enableBackward();
  }

  private final String name;
  private final DataType dtype;
  private final Parameters parameters;
  private final int[] inputShape;
  private final int[] outputShape;
  private final int classes;
  private final String summary;
  private final String diagram;
  private final Map<Integer, B> batches = new LinkedHashMap<>(8, 0.75f, true);
  private B last;
  private boolean training = true;

  /** Called by the generated constructor. */
  protected GeneratedModel(String name, DataType dtype, Parameters parameters, int[] inputShape,
      int[] outputShape, int classes, String summary, String diagram) {
    if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
      throw new IllegalArgumentException(
          name + " runs in FLOAT (training) or DOUBLE (gradient checks), not " + dtype);
    }
    this.name = name;
    this.dtype = dtype;
    this.parameters = parameters;
    this.inputShape = inputShape.clone();
    this.outputShape = outputShape.clone();
    this.classes = classes;
    this.summary = summary;
    this.diagram = diagram;
  }

  /** Allocates the buffers and kernels for batch size {@code n}. */
  protected abstract B allocate(int n);

  /** The forward pass, call by call. */
  protected abstract void forward(B b);

  /** The backward pass from {@link Batch#outputGradient}: the forward in reverse, call by call. */
  protected abstract void backward(B b);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public final int[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public final int classes() {
    return classes;
  }

  @Override
  public final DataType dataType() {
    return dtype;
  }

  @Override
  public final Parameters parameters() {
    return parameters;
  }

  @Override
  public final void setTraining(boolean training) {
    this.training = training;
  }

  /** Whether forward runs in training mode. */
  public final boolean isTraining() {
    return training;
  }

  @Override
  public final String summary() {
    return summary;
  }

  @Override
  public final String diagram() {
    return diagram;
  }

  @Override
  public final INDArray forward(INDArray input) {
    checkInput(input);
    int n = (int) input.size(0);
    B b = batches.get(n);
    if (b == null) {
      b = allocate(n);
      batches.put(n, b);
      if (batches.size() > CACHED_BATCH_SIZES) {
        batches.remove(batches.keySet().iterator().next());
      }
    }
    b.input.assign(input);
    forward(b);
    ((Batch) b).lossReady = false;
    last = b;
    return b.output;
  }

  @Override
  public final double loss(INDArray labels) {
    B b = requireForward("loss");
    if (b.loss == null) {
      throw new IllegalStateException(name + " has no head (head = NONE), so it has no loss;"
          + " call backward(outputGradient) with the gradient of your own loss");
    }
    long[] expected = {b.n, classes};
    if (labels == null || !Arrays.equals(labels.shape(), expected)) {
      throw new IllegalArgumentException(name + ".loss expects one-hot labels " + Arrays.toString(expected)
          + ", got " + (labels == null ? "null" : Arrays.toString(labels.shape())));
    }
    double value = b.loss.forward(labels.dataType() == dtype ? labels : labels.castTo(dtype));
    ((Batch) b).lossReady = true;
    return value;
  }

  @Override
  public final void backward() {
    B b = requireForward("backward");
    if (!((Batch) b).lossReady) {
      throw new IllegalStateException(name + ".backward() follows loss(labels); call loss first, or"
          + " backward(outputGradient) for a gradient of your own");
    }
    ready(b);
    b.loss.backward();
    backward(b);
  }

  @Override
  public final void backward(INDArray outputGradient) {
    B b = requireForward("backward");
    long[] expected = b.output.shape();
    if (outputGradient == null || !Arrays.equals(outputGradient.shape(), expected)) {
      throw new IllegalArgumentException(name + ".backward expects an output gradient "
          + Arrays.toString(expected) + " (the shape of the last output), got "
          + (outputGradient == null ? "null" : Arrays.toString(outputGradient.shape())));
    }
    ready(b);
    b.outputGradient.assign(outputGradient);
    backward(b);
  }

  private static void ready(Batch b) {
    if (!b.backwardReady) {
      b.enableBackward();
      b.backwardReady = true;
    }
  }

  private B requireForward(String call) {
    if (last == null) {
      throw new IllegalStateException(name + "." + call + " needs a forward pass first");
    }
    return last;
  }

  /** Allocates an array of this network's element type. */
  protected final INDArray create(long... shape) {
    return Nd4j.create(dtype, shape);
  }

  private void checkInput(INDArray input) {
    String expected = "[N, " + inputShape[0] + ", " + inputShape[1] + ", " + inputShape[2] + "]";
    if (input == null) {
      throw new IllegalArgumentException(name + ".forward expects an input " + expected + ", got null");
    }
    long[] shape = input.shape();
    if (shape.length != 4 || shape[0] < 1 || shape[0] > Integer.MAX_VALUE
        || shape[1] != inputShape[0] || shape[2] != inputShape[1] || shape[3] != inputShape[2]) {
      throw new IllegalArgumentException(name + ".forward expects an input " + expected
          + " with N >= 1, got " + Arrays.toString(shape));
    }
    if (!input.dataType().isFPType()) {
      throw new IllegalArgumentException(name + ".forward expects floating-point input, got "
          + input.dataType() + "; convert it with castTo(DataType.FLOAT)");
    }
  }
}
