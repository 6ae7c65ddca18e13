package dev.netwright.runtime.model;

import dev.netwright.runtime.exec.BatchPlan;
import dev.netwright.runtime.exec.Branches;
import dev.netwright.runtime.exec.Lanes;
import dev.netwright.runtime.exec.Part;
import dev.netwright.runtime.kernel.Loss;
import dev.netwright.runtime.kernel.MeanSquaredError;
import dev.netwright.runtime.kernel.SigmoidCrossEntropy;
import dev.netwright.runtime.kernel.SoftmaxCrossEntropy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The base of every generated network: input checks, one set of buffers per batch size, and the
 * order of calls. The generated subclass allocates its buffers and holds the straight-line {@code
 * forward} and {@code backward}.
 *
 * @param <B> the generated buffer set
 */
public abstract class GeneratedModel<B extends GeneratedModel.Batch> implements Model {
  /** Batch sizes whose buffers are kept; the least recently used set beyond this is dropped. */
  private static final int CACHED_BATCH_SIZES = 4;

  /**
   * Buffers and kernels for one batch size, allocated once and reused by every step: the input,
   * output and head that {@link Part} holds, and the node outputs and parameter gradients.
   */
  protected abstract static class Batch extends Part {
    /** Every node's output in forward order, named as {@link GeneratedModel#nodeNames()}. */
    protected INDArray[] nodeOutputs;

    /** The registry {@link #gradient} looks names up in; set before {@link #enableBackward}. */
    Parameters parameters;

    /**
     * Null when this batch writes the model's own parameter gradients; a flat buffer laid out as
     * {@link Parameters#gradients()} when it is one part of a split batch.
     */
    INDArray gradients;

    /** A buffer set for batch size {@code n}. */
    protected Batch(int n) {
      super(n);
    }

    /**
     * Where this batch's kernels write the gradient of parameter {@code name}: the model's, or this
     * part's own when the batch is split (the generated code's calls resolve here).
     */
    protected final INDArray gradient(String name) {
      Parameters.Parameter p = parameters.get(name);
      return gradients == null ? p.gradient() : Parameters.view(gradients, p.offset(), p.shape());
    }
  }

  /**
   * One batch size's plan and what this model keeps beside it: the input view for the finiteness
   * check and a binary head's labels, each made on first use, and whether loss has run.
   */
  private static final class Plan {
    final int n;
    final int parts;
    final BatchPlan<Batch> exec;
    java.nio.Buffer inputView;
    INDArray binaryLabels;
    boolean lossReady;

    Plan(BatchPlan<Batch> exec) {
      this.n = exec.n();
      this.parts = exec.partCount();
      this.exec = exec;
    }
  }

  /** Examples per part below which a batch is not split further. */
  private static final int MIN_PART = 8;

  /**
   * Multiply-adds per native call below which an unsplit batch runs its calls on one native thread
   * each, its branches side by side ({@link Branches}): calls this small are mostly fixed cost,
   * which a second OpenMP thread does not share (measured at batch 1: SimpleNet 100 µs on one
   * thread against 110-185 µs on two).
   */
  static final long SMALL_CALL = 256_000;

  private final String name;
  private final DataType dtype;
  private final Parameters parameters;
  private final int[] inputShape;
  private final int[] outputShape;
  private final int classes;
  private final HeadType head;
  private final String summary;
  private final String diagram;
  // Keyed by batch size and part count; the most recent one is also kept aside (no boxing per
  // step).
  private final Map<Integer, Plan> plans = new LinkedHashMap<>(8, 0.75f, true);
  private Plan recent;
  private Plan last;
  private boolean training = true;
  private long trainingSteps;
  private long dropoutSeed;

  /** Called by the generated constructor. */
  protected GeneratedModel(
      String name,
      DataType dtype,
      Parameters parameters,
      int[] inputShape,
      int[] outputShape,
      int classes,
      HeadType head,
      String summary,
      String diagram) {
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
    this.head = head;
    this.summary = summary;
    this.diagram = diagram;
  }

  /** Names of the nodes whose outputs {@link Batch#nodeOutputs} holds, in forward order. */
  protected abstract String[] nodeNames();

  @Override
  public final String firstNonFinite() {
    if (last == null) {
      return null;
    }
    String[] names = nodeNames();
    for (int i = 0; i < names.length; i++) {
      for (int p = 0; p < last.parts; p++) {
        INDArray[] outputs = last.exec.part(p).nodeOutputs;
        if (outputs != null && i < outputs.length && !finite(outputs[i])) {
          return names[i];
        }
      }
    }
    return null;
  }

  private static boolean finite(INDArray array) {
    for (double v : array.dup().data().asDouble()) { // a diagnosis, not a hot path: copies freely
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Allocates the buffers and kernels for batch size {@code n}. */
  protected abstract B allocate(int n);

  /** The forward pass, call by call. */
  protected abstract void forward(B b);

  /** The backward pass from {@link Batch#outputGradient}: the forward in reverse, call by call. */
  protected abstract void backward(B b);

  /**
   * Whether each example's outputs and gradients depend on that example alone, so a batch may be
   * split into parts that run side by side. False by default; generated networks say true, or
   * {@code !training} when they hold batch normalisation or dropout.
   */
  protected boolean examplesIndependent(boolean training) {
    return false;
  }

  /**
   * Multiply-adds per example over the forward pass's native calls, on average: how much work one
   * call does, which decides whether an unsplit batch runs narrow ({@link #SMALL_CALL}). Generated
   * networks say; the default never narrows.
   */
  protected long multiplyAddsPerCall() {
    return Long.MAX_VALUE;
  }

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
  public final HeadType head() {
    return head;
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

  @Override
  public final long trainingSteps() {
    return trainingSteps;
  }

  @Override
  public final void setTrainingSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException(name + ": training steps count from 0, got " + steps);
    }
    this.trainingSteps = steps;
  }

  @Override
  public final long dropoutSeed() {
    return dropoutSeed;
  }

  @Override
  public final void setDropoutSeed(long seed) {
    this.dropoutSeed = seed;
  }

  /**
   * The key a dropout kernel draws this forward's mask from: a function of the dropout seed and the
   * training-step count only, so a resumed network draws what it would have drawn.
   */
  protected final long dropoutKey() {
    return dropoutSeed * 0xD1B54A32D192ED03L + trainingSteps;
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
    Plan plan = plan(n, partsFor(n));
    plan.exec.copyIn(input);
    // The input the last forward's activations came from is gone: until this forward completes,
    // loss and backward have nothing consistent to work from (a refused input would reach the
    // weight gradients).
    last = null;
    checkFinite(plan, input);
    if (training) {
      trainingSteps++;
    }
    plan.exec.forward();
    plan.lossReady = false;
    last = plan;
    return plan.exec.output();
  }

  /**
   * How many parts a batch of {@code n} examples runs as, from the calling thread in the current
   * mode: one per native thread ({@code Threads.set}), each of at least 8 examples, run side by
   * side with one thread each; 1 when the network's examples interact (batch norm or dropout, in
   * training). The result is the same up to the order of the final sums.
   */
  public final int parts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(name + ": a batch holds at least one example, got " + n);
    }
    return partsFor(n);
  }

  /**
   * How many lanes the branches of a block (an Inception module's towers, a residual module's
   * projection beside its main path) use in a batch of {@code n} from the calling thread in the
   * current mode: the thread setting when the batch runs unsplit and its calls are small (a few
   * images: each call is then mostly fixed cost, and towers side by side finish sooner), else 1 (in
   * order, every call as wide as the thread setting, or one part per lane). Networks without
   * branches ignore it. The result is the same either way.
   */
  public final int branchLanes(int n) {
    return parts(n) == 1 && small(n) ? Lanes.requested() : 1;
  }

  private int partsFor(int n) {
    if (!examplesIndependent(training)) {
      return 1;
    }
    return Math.max(1, Math.min(Math.min(Lanes.requested(), Lanes.MAX), n / MIN_PART));
  }

  private Plan plan(int n, int k) {
    if (recent != null && recent.n == n && recent.parts == k) {
      return recent;
    }
    int key = n * (Lanes.MAX + 1) + k;
    Plan plan = plans.get(key);
    if (plan == null) {
      plan =
          new Plan(
              k == 1
                  ? new BatchPlan<>(batch(n), small(n), this::forwardBatch, this::backwardBatch)
                  : split(n, k));
      plans.put(key, plan);
      if (plans.size() > CACHED_BATCH_SIZES) {
        Plan dropped = plans.remove(plans.keySet().iterator().next());
        if (dropped == recent) {
          recent = null;
        }
      }
    }
    recent = plan;
    return plan;
  }

  /** Whether an unsplit batch of {@code n} does little enough work per call to run narrow. */
  private boolean small(int n) {
    return multiplyAddsPerCall() <= SMALL_CALL / n;
  }

  private Batch batch(int n) {
    Batch b = allocate(n);
    b.parameters = parameters;
    return b;
  }

  private BatchPlan<Batch> split(int n, int k) {
    int[] sizes = BatchPlan.sizes(n, k);
    Batch[] parts = new Batch[k];
    for (int i = 0; i < k; i++) {
      parts[i] = batch(sizes[i]);
    }
    INDArray whole = create(shapeOf(n, inputShape));
    INDArray output = create(shapeOf(n, outputShape));
    return new BatchPlan<>(
        parts, whole, output, head(n, output), this::forwardBatch, this::backwardBatch);
  }

  /** The head over a whole split batch's output, as the generated buffers make it for one part. */
  private Loss head(int n, INDArray output) {
    return switch (head) {
      case SOFTMAX_CROSS_ENTROPY -> new SoftmaxCrossEntropy(create(output.shape()), output);
      case SIGMOID_BINARY_CROSS_ENTROPY -> new SigmoidCrossEntropy(create(output.shape()), output);
      case MEAN_SQUARED_ERROR -> new MeanSquaredError(flat(output, n));
      case NONE -> null;
    };
  }

  // [N, ...] as [N, features]: the view a mean-squared-error head compares element by element.
  private static INDArray flat(INDArray a, int n) {
    return a.rank() > 2 ? a.reshape(n, a.length() / n) : a;
  }

  private static long[] shapeOf(int n, int[] shape) {
    long[] s = new long[shape.length + 1];
    s[0] = n;
    for (int i = 0; i < shape.length; i++) {
      s[i + 1] = shape[i];
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private void forwardBatch(Batch b) {
    forward((B) b);
  }

  @SuppressWarnings("unchecked")
  private void backwardBatch(Batch b) {
    backward((B) b);
  }

  @Override
  public final double loss(INDArray labels) {
    Plan b = requireForward("loss");
    if (b.exec.loss() == null) {
      throw new IllegalStateException(
          name
              + " has no head (head = NONE), so it has no loss;"
              + " call backward(outputGradient) with the gradient of your own loss");
    }
    INDArray target = labels(b, labels);
    double value = b.exec.loss().forward(target);
    b.lossReady = true;
    return value;
  }

  /** The labels in the form the head reads, or an exception naming the expected shapes. */
  private INDArray labels(Plan b, INDArray labels) {
    long[] output = b.exec.output().shape();
    long[] oneHot = {b.n, classes};
    long[] got = labels == null ? null : labels.shape();
    if (head == HeadType.SIGMOID_BINARY_CROSS_ENTROPY
        && got != null
        && Arrays.equals(got, oneHot)) {
      if (b.binaryLabels == null) {
        b.binaryLabels = create(b.n, 1);
      }
      // One-hot [N, 2] from a classification loader: class 1 is the positive label.
      return b.binaryLabels.assign(
          labels.get(
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)));
    }
    if (got == null || !Arrays.equals(got, output)) {
      String expected =
          head == HeadType.SOFTMAX_CROSS_ENTROPY
              ? "one-hot labels " + Arrays.toString(oneHot)
              : head == HeadType.SIGMOID_BINARY_CROSS_ENTROPY
                  ? "0/1 labels "
                      + Arrays.toString(output)
                      + " or one-hot "
                      + Arrays.toString(oneHot)
                  : "targets " + Arrays.toString(output);
      throw new IllegalArgumentException(
          name
              + ".loss expects "
              + expected
              + ", got "
              + (got == null ? "null" : Arrays.toString(got)));
    }
    INDArray typed = labels.dataType() == dtype ? labels : labels.castTo(dtype);
    // A mean-squared-error head over a feature map compares it element by element, as [N, C·H·W].
    return typed.rank() > 2 ? typed.reshape(b.n, typed.length() / b.n) : typed;
  }

  @Override
  public final void backward() {
    Plan b = requireForward("backward");
    if (!b.lossReady) {
      throw new IllegalStateException(
          name
              + ".backward() follows loss(labels); call loss first, or"
              + " backward(outputGradient) for a gradient of your own");
    }
    ready(b.exec);
    b.exec.loss().backward();
    b.exec.backward();
  }

  @Override
  public final void backward(INDArray outputGradient) {
    BatchPlan<Batch> b = requireForward("backward").exec;
    long[] expected = b.output().shape();
    if (outputGradient == null || !Arrays.equals(outputGradient.shape(), expected)) {
      throw new IllegalArgumentException(
          name
              + ".backward expects an output gradient "
              + Arrays.toString(expected)
              + " (the shape of the last output), got "
              + (outputGradient == null ? "null" : Arrays.toString(outputGradient.shape())));
    }
    ready(b);
    b.outputGradient().assign(outputGradient);
    b.backward();
  }

  private void ready(BatchPlan<Batch> b) {
    if (b.backwardReady()) {
      return;
    }
    if (!b.split()) {
      b.enableBackward(null, null, null);
      return;
    }
    INDArray whole = create(b.output().shape());
    INDArray[] shadows = new INDArray[b.partCount()];
    for (int i = 1; i < shadows.length; i++) {
      shadows[i] = create(parameters.gradients().shape());
      b.part(i).gradients = shadows[i]; // part 0 writes the model's own
    }
    b.enableBackward(whole, parameters.gradients(), shadows);
    if (b.loss() != null) {
      b.loss().withGradients(flat(whole, b.n()));
    }
  }

  private Plan requireForward(String call) {
    if (last == null) {
      throw new IllegalStateException(name + "." + call + " needs a forward pass first");
    }
    return last;
  }

  /**
   * Refuses a non-finite input value: max pooling and ReLU can swallow a NaN, so it would otherwise
   * train on garbage without a word. A scan of the copied input through a view made once, about a
   * microsecond per thousand values.
   */
  private void checkFinite(Plan b, INDArray given) {
    if (b.inputView == null) {
      INDArray input = b.exec.input();
      b.inputView =
          dtype == DataType.FLOAT ? input.data().asNioFloat() : input.data().asNioDouble();
    }
    int bad = -1;
    if (b.inputView instanceof java.nio.FloatBuffer f) {
      for (int i = 0, n = f.limit(); i < n && bad < 0; i++) {
        float v = f.get(i);
        if (v - v != 0) { // NaN - NaN and Inf - Inf are NaN
          bad = i;
        }
      }
    } else {
      java.nio.DoubleBuffer d = (java.nio.DoubleBuffer) b.inputView;
      for (int i = 0, n = d.limit(); i < n && bad < 0; i++) {
        double v = d.get(i);
        if (v - v != 0) {
          bad = i;
        }
      }
    }
    if (bad >= 0) {
      int hw = inputShape[1] * inputShape[2];
      int chw = inputShape[0] * hw;
      double value = b.exec.input().data().getDouble(bad);
      long[] at = {bad / chw, bad % chw / hw, bad % hw / inputShape[2], bad % inputShape[2]};
      // A DOUBLE input can hold a finite value, e.g. 1e300, that overflows this FLOAT network's
      // copy.
      double original = given.getDouble(at);
      String converted = Double.isFinite(original) ? ", which is " + value + " in " + dtype : "";
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "%s.forward: the input holds %s at example %d, channel %d, row %d, column %d%s; a network"
                  + " cannot learn from non-finite values: clean the data or check its normalisation",
              name,
              Double.isFinite(original) ? original : value,
              at[0],
              at[1],
              at[2],
              at[3],
              converted));
    }
  }

  /** The value of parameter {@code name}, for the generated buffers' kernels. */
  protected final INDArray value(String name) {
    return parameters.get(name).value();
  }

  /** The gradient of parameter {@code name}. */
  protected final INDArray gradient(String name) {
    return parameters.get(name).gradient();
  }

  /** The non-trainable buffer {@code name} (batch-norm running statistics). */
  protected final INDArray buffer(String name) {
    return parameters.buffer(name).value();
  }

  /** Allocates an array of this network's element type. */
  protected final INDArray create(long... shape) {
    return Nd4j.create(dtype, shape);
  }

  private void checkInput(INDArray input) {
    String expected = "[N, " + inputShape[0] + ", " + inputShape[1] + ", " + inputShape[2] + "]";
    if (input == null) {
      throw new IllegalArgumentException(
          name + ".forward expects an input " + expected + ", got null");
    }
    long[] shape = input.shape();
    if (shape.length != 4
        || shape[0] < 1
        || shape[0] > Integer.MAX_VALUE
        || shape[1] != inputShape[0]
        || shape[2] != inputShape[1]
        || shape[3] != inputShape[2]) {
      throw new IllegalArgumentException(
          name
              + ".forward expects an input "
              + expected
              + " with N >= 1, got "
              + Arrays.toString(shape));
    }
    if (!input.dataType().isFPType()) {
      throw new IllegalArgumentException(
          name
              + ".forward expects floating-point input, got "
              + input.dataType()
              + "; convert it with castTo(DataType.FLOAT)");
    }
  }
}
