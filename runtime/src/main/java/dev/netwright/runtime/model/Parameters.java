package dev.netwright.runtime.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A network's named parameters and non-trainable buffers. Values and gradients are views into two
 * flat buffers, so an optimizer updates every parameter with a few BLAS calls and persistence
 * writes one array; buffers (batch norm's running statistics) live in a third, which optimizers
 * never see.
 */
public final class Parameters {
  /**
   * One named parameter: its value and gradient are views into the flat buffers. {@code fanOut} is
   * 0 when it was not declared (parameters added with {@link Builder#add(String, int, long...)}).
   */
  public record Parameter(
      String name,
      long[] shape,
      long offset,
      int fanIn,
      INDArray value,
      INDArray gradient,
      int fanOut,
      Init init) {
    /**
     * A parameter with PyTorch's default initialiser and no declared fan-out, as before init rules.
     */
    public Parameter(
        String name, long[] shape, long offset, int fanIn, INDArray value, INDArray gradient) {
      this(name, shape, offset, fanIn, value, gradient, 0, Init.PYTORCH);
    }

    /** Number of scalars. */
    public long length() {
      return value.length();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  /**
   * One named non-trainable buffer, e.g. batch norm's running mean: a view into {@link #buffers()}.
   */
  public record Buffer(
      String name, long[] shape, long offset, double initialValue, INDArray value) {
    /** Number of scalars. */
    public long length() {
      return value.length();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  /**
   * How a parameter starts: a rule over its fan-in and fan-out, drawn from the generator that
   * {@link #initialize(long)} seeds, so a seed always gives the same values. The constants' names
   * are those of {@code dev.netwright.dsl.Init} (whose DEFAULT the processor resolves), plus ZEROS
   * and ONES for biases and batch norm; generated code names the one of the same name (DslNamesTest
   * pins the pairs).
   */
  public static final class Init {
    /** U(±1/√fan-in): PyTorch's default for Conv2d and Linear weights and biases. */
    public static final Init PYTORCH = new Init(Rule.PYTORCH, "PYTORCH", 0);

    /** He/Kaiming normal for ReLU (PyTorch's kaiming_normal_): N(0, σ²), σ = √2/√fan-in. */
    public static final Init HE_NORMAL = new Init(Rule.HE_NORMAL, "HE_NORMAL", 0);

    /** He/Kaiming uniform for ReLU (PyTorch's kaiming_uniform_): U(±√(6/fan-in)). */
    public static final Init HE_UNIFORM = new Init(Rule.HE_UNIFORM, "HE_UNIFORM", 0);

    /** Xavier/Glorot normal: N(0, σ²), σ = √(2/(fan-in + fan-out)). */
    public static final Init XAVIER_NORMAL = new Init(Rule.XAVIER_NORMAL, "XAVIER_NORMAL", 0);

    /** Xavier/Glorot uniform: U(±√(6/(fan-in + fan-out))). */
    public static final Init XAVIER_UNIFORM = new Init(Rule.XAVIER_UNIFORM, "XAVIER_UNIFORM", 0);

    /** Standard normal over √fan-in, the NumPy tutorials' {@code randn(...) / sqrt(fan_in)}. */
    public static final Init SCALED_NORMAL = new Init(Rule.SCALED_NORMAL, "SCALED_NORMAL", 0);

    /** All zeros. */
    public static final Init ZEROS = new Init(Rule.CONSTANT, "ZEROS", 0);

    /** All ones. */
    public static final Init ONES = new Init(Rule.CONSTANT, "ONES", 1);

    private enum Rule {
      PYTORCH,
      HE_NORMAL,
      HE_UNIFORM,
      XAVIER_NORMAL,
      XAVIER_UNIFORM,
      SCALED_NORMAL,
      CONSTANT
    }

    private final Rule rule;
    private final String name;
    private final double value;

    private Init(Rule rule, String name, double value) {
      this.rule = rule;
      this.name = name;
      this.value = value;
    }

    /** Every element {@code value}. */
    public static Init constant(double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException(
            "a constant initialiser needs a finite value, got " + value);
      }
      return new Init(Rule.CONSTANT, "constant(" + value + ")", value);
    }

    boolean usesFanIn() {
      return rule != Rule.CONSTANT;
    }

    boolean usesFanOut() {
      return rule == Rule.XAVIER_NORMAL || rule == Rule.XAVIER_UNIFORM;
    }

    /**
     * Fills {@code data}. PYTORCH makes the same draws it always did, so old seeds keep their
     * values.
     */
    void fill(double[] data, SplittableRandom random, int fanIn, int fanOut) {
      double fanSum = (double) fanIn + fanOut;
      switch (rule) {
        case PYTORCH -> uniform(data, random, 1 / Math.sqrt(fanIn));
        case HE_NORMAL -> normal(data, random, Math.sqrt(2.0 / fanIn));
        case HE_UNIFORM -> uniform(data, random, Math.sqrt(6.0 / fanIn));
        case XAVIER_NORMAL -> normal(data, random, Math.sqrt(2.0 / fanSum));
        case XAVIER_UNIFORM -> uniform(data, random, Math.sqrt(6.0 / fanSum));
        case SCALED_NORMAL -> normal(data, random, 1 / Math.sqrt(fanIn));
        case CONSTANT -> Arrays.fill(data, value);
        default -> throw new AssertionError(rule);
      }
    }

    private static void uniform(double[] data, SplittableRandom random, double bound) {
      for (int i = 0; i < data.length; i++) {
        data[i] = (random.nextDouble() * 2 - 1) * bound;
      }
    }

    private static void normal(double[] data, SplittableRandom random, double std) {
      // RandomGenerator.nextGaussian's algorithm is specified (McFarland's ziggurat): stable for a
      // seed.
      for (int i = 0; i < data.length; i++) {
        data[i] = random.nextGaussian() * std;
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Init other
          && rule == other.rule
          && Double.compare(value, other.value) == 0;
    }

    @Override
    public int hashCode() {
      return rule.hashCode() * 31 + Double.hashCode(value);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final INDArray values;
  private final INDArray gradients;
  private final INDArray buffers;
  private final List<Parameter> list;
  private final List<Buffer> bufferList;
  // The gradients' raw host memory, or null if the backend gives something else (then assign(0)).
  private final Pointer gradientMemory;
  private final long gradientBytes;
  private final Map<String, Parameter> byName;
  private final Map<String, Buffer> buffersByName;

  private Parameters(DataType dtype, List<Spec> specs, List<BufferSpec> bufferSpecs) {
    long total = specs.stream().mapToLong(Spec::length).sum();
    // A zero-length ND4J array is awkward; a network without parameters keeps one unused scalar.
    values = Nd4j.create(dtype, Math.max(total, 1));
    gradients = Nd4j.create(dtype, Math.max(total, 1));
    List<Parameter> out = new ArrayList<>();
    Map<String, Parameter> names = new LinkedHashMap<>();
    long offset = 0;
    for (Spec s : specs) {
      Parameter p =
          new Parameter(
              s.name,
              s.shape.clone(),
              offset,
              s.fanIn,
              view(values, offset, s.shape),
              view(gradients, offset, s.shape),
              s.fanOut,
              s.init);
      if (names.put(s.name, p) != null) {
        throw new IllegalArgumentException("two parameters are named '" + s.name + "'");
      }
      out.add(p);
      offset += s.length();
    }
    list = Collections.unmodifiableList(out);
    bufferTotal = bufferSpecs.stream().mapToLong(BufferSpec::length).sum();
    buffers = Nd4j.create(dtype, Math.max(bufferTotal, 1));
    List<Buffer> bufferOut = new ArrayList<>();
    Map<String, Buffer> bufferNames = new LinkedHashMap<>();
    offset = 0;
    for (BufferSpec s : bufferSpecs) {
      Buffer b =
          new Buffer(
              s.name, s.shape.clone(), offset, s.initialValue, view(buffers, offset, s.shape));
      // Checkpoints save both kinds by name, so one name space.
      if (names.containsKey(s.name) || bufferNames.put(s.name, b) != null) {
        throw new IllegalArgumentException(
            (names.containsKey(s.name) ? "a parameter and a buffer" : "two buffers")
                + " are named '"
                + s.name
                + "'");
      }
      bufferOut.add(b);
      offset += s.length();
    }
    bufferList = Collections.unmodifiableList(bufferOut);
    buffersByName = Collections.unmodifiableMap(bufferNames);
    resetBuffers();
    DataBuffer buffer = gradients.data();
    Pointer pointer = buffer.pointer();
    boolean plain =
        pointer != null
            && pointer.position() == 0
            && gradients.offset() == 0
            && buffer.length() == gradients.length();
    gradientMemory = plain ? pointer : null;
    gradientBytes = gradients.length() * dtype.width();
    byName = Collections.unmodifiableMap(names);
    this.total = total;
  }

  private final long total;
  private final long bufferTotal;

  /** The view of {@code flat} at {@code offset} shaped {@code shape}. */
  static INDArray view(INDArray flat, long offset, long[] shape) {
    long length = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    return flat.get(NDArrayIndex.interval(offset, offset + length)).reshape(shape);
  }

  /** Starts a registry of the given element type. */
  public static Builder builder(DataType dtype) {
    return new Builder(dtype);
  }

  /** All values, flat, in registration order. */
  public INDArray values() {
    return values;
  }

  /** All gradients, flat, laid out like {@link #values()}. */
  public INDArray gradients() {
    return gradients;
  }

  /** The parameters in registration order. */
  public List<Parameter> list() {
    return list;
  }

  /** The parameter called {@code name}, e.g. {@code conv1.weight}. */
  public Parameter get(String name) {
    Parameter p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no parameter '" + name + "'; the network has " + byName.keySet());
    }
    return p;
  }

  /** Number of trainable scalars, over all parameters (buffers not included). */
  public long count() {
    return total;
  }

  /** Number of trainable scalars, the same as {@link #count()}. */
  public long trainableCount() {
    return total;
  }

  /**
   * All non-trainable buffers, flat, in registration order: saved in checkpoints, never updated by
   * optimizers.
   */
  public INDArray buffers() {
    return buffers;
  }

  /** The buffers in registration order. */
  public List<Buffer> bufferList() {
    return bufferList;
  }

  /** The buffer called {@code name}, e.g. {@code bn1.running_mean}. */
  public Buffer buffer(String name) {
    Buffer b = buffersByName.get(name);
    if (b == null) {
      throw new IllegalArgumentException(
          "no buffer '"
              + name
              + "'; the network has "
              + (buffersByName.isEmpty() ? "none" : buffersByName.keySet().toString())
              + (byName.containsKey(name) ? " ('" + name + "' is a parameter: use get)" : ""));
    }
    return b;
  }

  /** Number of scalars over all buffers. */
  public long bufferCount() {
    return bufferTotal;
  }

  /** Sets every gradient to zero: a memset, once per training step, without garbage. */
  public void zeroGradients() {
    // gradients.assign(0) costs ~30 µs and ~2.6 KB of heap per call in ND4J 1.0.0-M2.1.
    if (gradientMemory != null) {
      Pointer.memset(gradientMemory, 0, gradientBytes);
    } else {
      gradients.assign(0);
    }
  }

  /**
   * Initialises every parameter by its rule ({@link Init#PYTORCH} unless declared otherwise), in
   * registration order from one generator, and sets every buffer back to its initial value.
   * Deterministic for a seed.
   */
  public void initialize(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Parameter p : list) {
      double[] data = new double[(int) p.length()];
      p.init().fill(data, random, p.fanIn(), p.fanOut());
      p.value().assign(Nd4j.createFromArray(data).reshape(p.shape()).castTo(values.dataType()));
    }
    resetBuffers();
  }

  private void resetBuffers() {
    for (Buffer b : bufferList) {
      b.value().assign(b.initialValue());
    }
  }

  private static long length(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private record Spec(String name, Init init, int fanIn, int fanOut, long[] shape) {
    long length() {
      return Parameters.length(shape);
    }
  }

  private record BufferSpec(String name, double initialValue, long[] shape) {
    long length() {
      return Parameters.length(shape);
    }
  }

  /** Collects parameter declarations in order. */
  public static final class Builder {
    private final DataType dtype;
    private final List<Spec> specs = new ArrayList<>();
    private final List<BufferSpec> bufferSpecs = new ArrayList<>();

    private Builder(DataType dtype) {
      this.dtype = dtype;
    }

    /** Declares a parameter initialised as PyTorch's default, U(±1/√fan-in). */
    public Builder add(String name, int fanIn, long... shape) {
      return add(name, Init.PYTORCH, fanIn, 0, shape);
    }

    /**
     * Declares a parameter initialised by {@code init} from its fan-in and fan-out (for a conv
     * weight [O, C, kH, kW]: C·kH·kW and O·kH·kW). A rule that does not use a fan accepts 0 for it.
     */
    public Builder add(String name, Init init, int fanIn, int fanOut, long... shape) {
      Objects.requireNonNull(init, "init");
      // Caught here, not in initialize(): a fan of 0 would fill the weights with NaN or infinity
      // silently.
      checkFan(name, init, "fan-in", fanIn, init.usesFanIn());
      checkFan(name, init, "fan-out", fanOut, init.usesFanOut());
      checkShape("parameter", name, shape);
      specs.add(new Spec(name, init, fanIn, fanOut, shape.clone()));
      return this;
    }

    /**
     * Declares a non-trainable buffer, e.g. batch norm's running mean (0) or variance (1): set to
     * {@code initialValue} at build and by {@link Parameters#initialize(long)}, saved in
     * checkpoints, never touched by an optimizer.
     */
    public Builder buffer(String name, double initialValue, long... shape) {
      if (!Double.isFinite(initialValue)) {
        throw new IllegalArgumentException(
            "buffer '"
                + name
                + "' has initial value "
                + initialValue
                + "; it must be a finite number");
      }
      checkShape("buffer", name, shape);
      bufferSpecs.add(new BufferSpec(name, initialValue, shape.clone()));
      return this;
    }

    private static void checkFan(String name, Init init, String fan, int value, boolean used) {
      if (value < 0 || (used && value < 1)) {
        throw new IllegalArgumentException(
            "parameter '"
                + name
                + "' has "
                + fan
                + " "
                + value
                + "; it must be "
                + (used ? "at least 1 for " + init : "0 or more"));
      }
    }

    private static void checkShape(String kind, String name, long[] shape) {
      if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
        throw new IllegalArgumentException(
            kind
                + " '"
                + name
                + "' has shape "
                + Arrays.toString(shape)
                + "; every dimension must be at least 1");
      }
    }

    /** Allocates the flat buffers and the views. */
    public Parameters build() {
      return new Parameters(dtype, specs, bufferSpecs);
    }
  }
}
