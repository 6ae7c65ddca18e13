package dev.netwright.runtime.train;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.model.Parameters.Buffer;
import dev.netwright.runtime.model.Parameters.Parameter;
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
public final class NonFinite {
  private NonFinite() {}

  /**
   * Where the first non-finite value is, e.g. "parameter 'conv1.weight' holds NaN at [0, 0, 1, 2]",
   * or null when every value is finite.
   */
  public static String find(Parameters parameters, Optimizer optimizer) {
    // The flat buffers, not each parameter's view, so nothing is copied.
    long i = first(parameters.values());
    if (i >= 0) {
      return at(parameters, i, "parameter", parameters.values().getDouble(i));
    }
    i = first(parameters.buffers());
    if (i >= 0) {
      for (Buffer b : parameters.bufferList()) {
        if (i >= b.offset() && i < b.offset() + b.length()) {
          return "buffer '"
              + b.name()
              + "' holds "
              + parameters.buffers().getDouble(i)
              + " at "
              + index(b.shape(), i - b.offset());
        }
      }
    }
    Map<String, INDArray> state;
    try {
      state = optimizer.state();
    } catch (UnsupportedOperationException e) {
      return null; // an optimizer from elsewhere that keeps its state to itself
    }
    for (Map.Entry<String, INDArray> e : state.entrySet()) {
      i = first(e.getValue());
      if (i >= 0) {
        // Optimizer state is laid out like the flat parameter values.
        return at(
            parameters,
            i,
            "the optimizer's " + e.getKey() + " for parameter",
            e.getValue().reshape(e.getValue().length()).getDouble(i));
      }
    }
    return null;
  }

  /** "parameter 'conv1.weight' holds NaN at [0, 0, 1, 2]" for flat index {@code i}. */
  private static String at(Parameters parameters, long i, String what, double value) {
    for (Parameter p : parameters.list()) {
      if (i >= p.offset() && i < p.offset() + p.length()) {
        return what
            + " '"
            + p.name()
            + "' holds "
            + value
            + " at "
            + index(p.shape(), i - p.offset());
      }
    }
    return what + " values hold " + value + " at " + i;
  }

  /** Index of the first NaN or infinity among {@code a}'s elements in c order, or -1. */
  static long first(INDArray a) {
    boolean plain = a.offset() == 0 && a.ordering() == 'c' && a.data().length() == a.length();
    INDArray c = plain ? a : a.dup('c');
    DataBuffer d = c.data();
    long n = a.length();
    try {
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
    } finally {
      // A NIO view does not keep a copy's memory alive; without this a collected copy is read
      // freed.
      java.lang.ref.Reference.reachabilityFence(c);
    }
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
