package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Argument checks shared by the kernels. They run once, in constructors, so that a wrong buffer is
 * reported in Java terms (expected versus actual shape) instead of as a libnd4j message on stdout
 * followed by an opaque exception on the first forward call.
 */
final class Checks {
  private Checks() {}

  /** Throws unless the array is present. */
  static INDArray present(String kernel, String name, INDArray a) {
    if (a == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " must not be null");
    }
    return a;
  }

  /** Throws unless the array has the given rank. */
  static void rank(String kernel, String name, INDArray a, int rank, String layout) {
    present(kernel, name, a);
    if (a.rank() != rank) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + name
              + " must have rank "
              + rank
              + " "
              + layout
              + ", but found shape "
              + Arrays.toString(a.shape()));
    }
  }

  /** Throws unless the array has exactly the expected shape; context says where it comes from. */
  static void shape(String kernel, String name, INDArray a, long[] expected, String context) {
    present(kernel, name, a);
    if (!Arrays.equals(a.shape(), expected)) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + name
              + " must have shape "
              + Arrays.toString(expected)
              + " "
              + context
              + ", but found "
              + Arrays.toString(a.shape()));
    }
  }

  /** Throws unless every non-null array has the dtype of the first, a floating-point type. */
  static void sameFloatType(String kernel, String[] names, INDArray... arrays) {
    DataType type = arrays[0].dataType();
    if (!type.isFPType()) {
      throw new IllegalArgumentException(
          kernel + ": arrays must be floating point, but " + names[0] + " is " + type);
    }
    for (int i = 1; i < arrays.length; i++) {
      if (arrays[i] != null && arrays[i].dataType() != type) {
        // Mixed types are not promoted: oneDNN returns garbage for FLOAT input, DOUBLE output.
        throw new IllegalArgumentException(
            kernel
                + ": all arrays must have one dtype, but "
                + names[0]
                + " is "
                + type
                + " and "
                + names[i]
                + " is "
                + arrays[i].dataType());
      }
    }
  }

  /**
   * Throws unless the array's memory is one dense c-order block (views of such blocks are fine).
   */
  static void contiguous(String kernel, String name, INDArray a) {
    if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + name
              + " must be a contiguous c-order array"
              + " (dup() it once, outside the training loop), but has strides "
              + Arrays.toString(a.stride())
              + " and order "
              + a.ordering());
    }
  }

  /**
   * Whether a's memory is one dense run in c order: element-wise stride 1 and c order (a vector,
   * e.g. an 'f'-ordered interval view, only needs stride 1).
   */
  static boolean dense(INDArray a) {
    return a.elementWiseStride() == 1 && (a.rank() <= 1 || a.ordering() == 'c');
  }

  /**
   * Entries {@code from} to {@code to - 1} of {@code a} along {@code axis}, as a view. Not {@code
   * a.get(interval(from, to))}: in ND4J 1.0.0-M2.1 that returned an array without data for the last
   * 8 rows of a [32, 8, 3, 3] view at offset 928 of a 3,626-element buffer (a network's parameter),
   * while the same view made from the buffer, its strides and offset is right.
   */
  static INDArray slice(INDArray a, int axis, long from, long to) {
    long[] shape = a.shape().clone(); // shape() is the array's own
    shape[axis] = to - from;
    return Nd4j.create(
        a.data(), shape, a.stride(), a.offset() + from * a.stride(axis), a.ordering());
  }

  /** A reshape of a that shares its memory, or null where ND4J would have to copy. */
  static INDArray reshapedView(INDArray a, long... shape) {
    if (!dense(a)) {
      return null;
    }
    INDArray view = a.reshape('c', shape);
    return view.data().address() == a.data().address() ? view : null;
  }

  /**
   * Throws unless {@code vector} is dense (stride 1), as the normalisation kernels' vectors are.
   */
  static void denseVector(String kernel, String name, INDArray vector) {
    if (vector.elementWiseStride() != 1) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + name
              + " must be a dense vector (stride 1;"
              + " dup() it once, outside the training loop), but has stride "
              + Arrays.toString(vector.stride()));
    }
  }

  /**
   * Throws unless the gradient buffer is given exactly when its parameter is, and then has the
   * parameter's shape and is dense.
   */
  static void gradientPair(
      String kernel, String name, INDArray parameter, String gradientName, INDArray gradient) {
    if ((gradient == null) != (parameter == null)) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + gradientName
              + " must be given exactly when "
              + name
              + " is, but "
              + name
              + (parameter == null
                  ? " is null and " + gradientName + " is not"
                  : " is given and " + gradientName + " is null"));
    }
    if (gradient != null) {
      shape(kernel, gradientName, gradient, parameter.shape(), "(the shape of " + name + ")");
      denseVector(kernel, gradientName, gradient);
    }
  }
}
