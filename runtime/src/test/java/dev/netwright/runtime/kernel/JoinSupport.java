package dev.netwright.runtime.kernel;

import java.lang.management.ManagementFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Naive references and an allocation probe for the tests of Concat, Add and Accumulate. */
final class JoinSupport {
  private JoinSupport() {}

  /** The xs [N, Ci, H, W] concatenated on axis 1, element by element, in DOUBLE. */
  static INDArray concat(INDArray... xs) {
    long channels = 0;
    for (INDArray x : xs) {
      channels += x.size(1);
    }
    INDArray y =
        Nd4j.create(DataType.DOUBLE, xs[0].size(0), channels, xs[0].size(2), xs[0].size(3));
    long offset = 0;
    for (INDArray x : xs) {
      for (long n = 0; n < x.size(0); n++) {
        for (long c = 0; c < x.size(1); c++) {
          for (long h = 0; h < x.size(2); h++) {
            for (long w = 0; w < x.size(3); w++) {
              y.putScalar(new long[] {n, offset + c, h, w}, x.getDouble(n, c, h, w));
            }
          }
        }
      }
      offset += x.size(1);
    }
    return y;
  }

  /** The element-wise sum of arrays of one shape, left to right, in DOUBLE. */
  static INDArray sum(INDArray... xs) {
    INDArray y = Nd4j.create(DataType.DOUBLE, xs[0].shape());
    for (long i = 0; i < y.length(); i++) {
      double s = xs[0].getDouble(i);
      for (int k = 1; k < xs.length; k++) {
        s += xs[k].getDouble(i);
      }
      y.putScalar(i, s);
    }
    return y;
  }

  /** An array of the given shape with every element set to value. */
  static INDArray filled(DataType type, double value, long... shape) {
    return Nd4j.create(type, shape).assign(value);
  }

  /** Heap bytes the calling thread allocates per call of r, after a warm-up. */
  static double bytesPerCall(Runnable r) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int calls = 2_000;
    for (int i = 0; i < calls; i++) {
      r.run();
    }
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      r.run();
    }
    return (mx.getThreadAllocatedBytes(thread) - before) / (double) calls;
  }
}
