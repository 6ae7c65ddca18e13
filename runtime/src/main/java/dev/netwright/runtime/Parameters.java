package dev.netwright.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A network's named parameters. Values and gradients are views into two flat buffers, so an
 * optimizer updates every parameter with a few BLAS calls and persistence writes one array.
 */
public final class Parameters {
  /** One named parameter: its value and gradient are views into the flat buffers. */
  public record Parameter(String name, long[] shape, long offset, int fanIn, INDArray value, INDArray gradient) {
    /** Number of scalars. */
    public long length() {
      return value.length();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  private final INDArray values;
  private final INDArray gradients;
  private final List<Parameter> list;
  // The gradients' raw host memory, or null if the backend gives something else (then assign(0)).
  private final Pointer gradientMemory;
  private final long gradientBytes;
  private final Map<String, Parameter> byName;

  private Parameters(DataType dtype, List<Spec> specs) {
    long total = specs.stream().mapToLong(Spec::length).sum();
    // A zero-length ND4J array is awkward; a network without parameters keeps one unused scalar.
    values = Nd4j.create(dtype, Math.max(total, 1));
    gradients = Nd4j.create(dtype, Math.max(total, 1));
    List<Parameter> out = new ArrayList<>();
    Map<String, Parameter> names = new LinkedHashMap<>();
    long offset = 0;
    for (Spec s : specs) {
      INDArray v = values.get(NDArrayIndex.interval(offset, offset + s.length())).reshape(s.shape);
      INDArray g = gradients.get(NDArrayIndex.interval(offset, offset + s.length())).reshape(s.shape);
      Parameter p = new Parameter(s.name, s.shape.clone(), offset, s.fanIn, v, g);
      if (names.put(s.name, p) != null) {
        throw new IllegalArgumentException("two parameters are named '" + s.name + "'");
      }
      out.add(p);
      offset += s.length();
    }
    list = Collections.unmodifiableList(out);
    DataBuffer buffer = gradients.data();
    Pointer pointer = buffer.pointer();
    boolean plain = pointer != null && pointer.position() == 0 && gradients.offset() == 0
        && buffer.length() == gradients.length();
    gradientMemory = plain ? pointer : null;
    gradientBytes = gradients.length() * dtype.width();
    byName = Collections.unmodifiableMap(names);
    this.total = total;
  }

  private final long total;

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
      throw new IllegalArgumentException("no parameter '" + name + "'; the network has " + byName.keySet());
    }
    return p;
  }

  /** Number of scalars over all parameters. */
  public long count() {
    return total;
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
   * Initialises every parameter as PyTorch's Conv2d and Linear do by default: uniform in
   * ±1/√fan-in for weights and biases alike (kaiming_uniform with a = √5). Deterministic for a seed.
   */
  public void initialize(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Parameter p : list) {
      double bound = 1.0 / Math.sqrt(p.fanIn());
      double[] data = new double[(int) p.length()];
      for (int i = 0; i < data.length; i++) {
        data[i] = (random.nextDouble() * 2 - 1) * bound;
      }
      p.value().assign(Nd4j.createFromArray(data).reshape(p.shape()).castTo(values.dataType()));
    }
  }

  private record Spec(String name, int fanIn, long[] shape) {
    long length() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Collects parameter declarations in order. */
  public static final class Builder {
    private final DataType dtype;
    private final List<Spec> specs = new ArrayList<>();

    private Builder(DataType dtype) {
      this.dtype = dtype;
    }

    /** Declares a parameter with the fan-in its initialiser uses. */
    public Builder add(String name, int fanIn, long... shape) {
      // Caught here, not in initialize(): a fan-in of 0 would fill the weights with NaN silently.
      if (fanIn < 1) {
        throw new IllegalArgumentException("parameter '" + name + "' has fan-in " + fanIn + "; it must be at least 1");
      }
      if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
        throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(shape)
            + "; every dimension must be at least 1");
      }
      specs.add(new Spec(name, fanIn, shape.clone()));
      return this;
    }

    /** Allocates the flat buffers and the views. */
    public Parameters build() {
      return new Parameters(dtype, specs);
    }
  }
}
