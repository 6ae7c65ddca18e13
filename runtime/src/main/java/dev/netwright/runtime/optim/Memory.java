package dev.netwright.runtime.optim;

import static org.bytedeco.openblas.global.openblas_nolapack.cblas_daxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dscal;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sscal;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A flat FLOAT or DOUBLE array's native memory, for BLAS calls and plain loops that allocate
 * nothing per call.
 *
 * <p>ND4J's {@code Level1.axpy} allocates about 416 bytes per call; OpenBLAS's cblas on the same
 * memory (the library ND4J itself calls, which nd4j-native brings in) allocates none. Ranges are
 * addressed by moving a pointer's position, so an instance belongs to one thread at a time.
 */
final class Memory {
  // Holding the array keeps its native memory alive as long as this view.
  private final INDArray array;
  private final FloatPointer floats;
  private final DoublePointer doubles;
  private final FloatBuffer floatBuffer;
  private final DoubleBuffer doubleBuffer;

  /** Number of elements. */
  final int length;

  Memory(INDArray array) {
    long n = array.length();
    if (array.rank() != 1
        || array.offset() != 0
        || array.elementWiseStride() != 1
        || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "expected a flat, contiguous array of at most 2^31 - 1 elements, got "
              + array.shapeInfoToString().trim());
    }
    this.array = array;
    this.length = (int) n;
    Pointer address = array.data().addressPointer();
    if (array.dataType() == DataType.FLOAT) {
      floats = new FloatPointer(address).capacity(n);
      floatBuffer = new FloatPointer(address).capacity(n).asBuffer();
      doubles = null;
      doubleBuffer = null;
    } else if (array.dataType() == DataType.DOUBLE) {
      doubles = new DoublePointer(address).capacity(n);
      doubleBuffer = new DoublePointer(address).capacity(n).asBuffer();
      floats = null;
      floatBuffer = null;
    } else {
      throw new IllegalArgumentException(
          "optimizers work on FLOAT or DOUBLE parameters, not " + array.dataType());
    }
  }

  INDArray array() {
    return array;
  }

  double get(int i) {
    return floatBuffer != null ? floatBuffer.get(i) : doubleBuffer.get(i);
  }

  void put(int i, double value) {
    if (floatBuffer != null) {
      floatBuffer.put(i, (float) value);
    } else {
      doubleBuffer.put(i, value);
    }
  }

  /** this[from, from + n) += alpha · x[from, from + n). */
  void axpy(double alpha, Memory x, int from, int n) {
    if (floats != null) {
      cblas_saxpy(n, (float) alpha, x.floats.position(from), 1, floats.position(from), 1);
    } else {
      cblas_daxpy(n, alpha, x.doubles.position(from), 1, doubles.position(from), 1);
    }
  }

  /** this[from, from + n) *= alpha. */
  void scale(double alpha, int from, int n) {
    if (floats != null) {
      cblas_sscal(n, (float) alpha, floats.position(from), 1);
    } else {
      cblas_dscal(n, alpha, doubles.position(from), 1);
    }
  }
}
