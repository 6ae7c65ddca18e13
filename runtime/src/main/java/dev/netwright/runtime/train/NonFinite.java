package dev.netwright.runtime.train;

import dev.netwright.runtime.Parameters;
import dev.netwright.runtime.Parameters.Buffer;
import dev.netwright.runtime.Parameters.Parameter;
import dev.netwright.runtime.optim.Optimizer;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finds a NaN or an infinity in what a checkpoint would hold: parameters, buffers and optimizer
 * state. ReLU and max pooling can hide such a value from the loss for many steps (a NaN filter
 * pools to nothing), so a finite loss does not prove finite weights. Once per epoch, not per step.
 */
final class NonFinite {
  private NonFinite() {}

  /**
   * Where the first non-finite value is, e.g. "parameter 'conv1.weight' holds NaN at [0, 0, 1, 2]",
   * or null when every value is finite.
   */
  static String find(Parameters parameters, Optimizer optimizer) {
    for (Parameter p : parameters.list()) {
      long i = first(p.value());
      if (i >= 0) {
        return "parameter '" + p.name() + "' holds " + value(p.value(), i) + " at " + index(p.shape(), i);
      }
    }
    for (Buffer b : parameters.bufferList()) {
      long i = first(b.value());
      if (i >= 0) {
        return "buffer '" + b.name() + "' holds " + value(b.value(), i) + " at " + index(b.shape(), i);
      }
    }
    Map<String, INDArray> state;
    try {
      state = optimizer.state();
    } catch (UnsupportedOperationException e) {
      return null; // an optimizer from elsewhere that keeps its state to itself
    }
    for (Map.Entry<String, INDArray> e : state.entrySet()) {
      long i = first(e.getValue());
      if (i >= 0) {
        return "the optimizer's " + e.getKey() + " holds " + value(e.getValue(), i) + owner(parameters, i);
      }
    }
    return null;
  }

  /** Index of the first NaN or infinity among {@code a}'s elements in c order, or -1. */
  static long first(INDArray a) {
    boolean plain = a.offset() == 0 && a.ordering() == 'c' && a.data().length() == a.length();
    DataBuffer d = (plain ? a : a.dup('c')).data();
    long n = a.length();
    if (d.dataType() == DataType.FLOAT && n <= Integer.MAX_VALUE / 4) {
      java.nio.FloatBuffer f = d.asNioFloat();
      for (int i = 0; i < n; i++) {
        if (!Float.isFinite(f.get(i))) {
          return i;
        }
      }
      return -1;
    }
    for (long i = 0; i < n; i++) {
      if (!Double.isFinite(d.getDouble(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String value(INDArray a, long i) {
    return String.valueOf(a.dup('c').data().getDouble(i));
  }

  /** Optimizer state is laid out like the flat parameter values: name the parameter it belongs to. */
  private static String owner(Parameters parameters, long i) {
    for (Parameter p : parameters.list()) {
      if (i >= p.offset() && i < p.offset() + p.length()) {
        return " for parameter '" + p.name() + "' at " + index(p.shape(), i - p.offset());
      }
    }
    return " at " + i;
  }

  private static String index(long[] shape, long flat) {
    long[] at = new long[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      at[d] = flat % shape[d];
      flat /= shape[d];
    }
    return Arrays.toString(at);
  }
}
