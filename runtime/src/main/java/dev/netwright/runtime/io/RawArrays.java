package dev.netwright.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Array elements to and from byte streams in C order, chunk by chunk through the arrays' native
 * memory: no Java copy of a whole array, so a 100-million-element optimizer state costs 64 KB of
 * heap. Same-type transfers move bit patterns (integer views), so they are exact, NaNs included.
 */
final class RawArrays {
  private static final int CHUNK = 1 << 16;

  private RawArrays() {}

  /** Writes every element of {@code a} in C order, in {@code order}, as its own type. */
  static void write(INDArray a, ByteOrder order, OutputStream out) throws IOException {
    INDArray plain = contiguous(a);
    ByteBuffer src = memory(plain);
    byte[] chunk = new byte[CHUNK];
    int width = a.dataType().width();
    try {
      while (src.hasRemaining()) {
        int n = Math.min(CHUNK, src.remaining());
        ByteBuffer part = src.slice().limit(n).order(ByteOrder.nativeOrder());
        copyBits(part, ByteBuffer.wrap(chunk, 0, n).order(order), width);
        out.write(chunk, 0, n);
        src.position(src.position() + n);
      }
    } finally {
      // The buffer does not keep the array alive: a copy collected mid-write would free the
      // memory being read (seen as a CRC mismatch in an .npz whose second pass read other bytes).
      Reference.reachabilityFence(plain);
    }
  }

  /**
   * Fills {@code into}, a new C-order array, from its length in elements of {@code type} in {@code
   * order}; FLOAT and DOUBLE convert to each other (DOUBLE to FLOAT rounds to nearest, as NumPy's
   * astype), any other pair must match.
   *
   * @throws EOFException if the stream ends first
   */
  static void read(InputStream in, DataType type, ByteOrder order, INDArray into)
      throws IOException {
    ByteBuffer dst = memory(into);
    DataType target = into.dataType();
    int width = type.width();
    int targetWidth = target.width();
    byte[] chunk = new byte[CHUNK];
    long left = into.length();
    while (left > 0) {
      int n = (int) Math.min(CHUNK / Math.max(width, targetWidth), left);
      int got = in.readNBytes(chunk, 0, n * width);
      if (got < n * width) {
        throw new EOFException(
            "the data ends " + ((left - n) * width + (long) n * width - got) + " bytes early");
      }
      ByteBuffer part = ByteBuffer.wrap(chunk, 0, n * width).order(order);
      ByteBuffer out = dst.slice().limit(n * targetWidth).order(ByteOrder.nativeOrder());
      if (type == target) {
        copyBits(part, out, width);
      } else if (type == DataType.DOUBLE && target == DataType.FLOAT) {
        DoubleBuffer from = part.asDoubleBuffer();
        FloatBuffer to = out.asFloatBuffer();
        for (int i = 0; i < n; i++) {
          to.put(i, (float) from.get(i));
        }
      } else if (type == DataType.FLOAT && target == DataType.DOUBLE) {
        FloatBuffer from = part.asFloatBuffer();
        DoubleBuffer to = out.asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          to.put(i, from.get(i));
        }
      } else {
        throw new IllegalArgumentException("cannot convert " + type + " to " + target);
      }
      dst.position(dst.position() + n * targetWidth);
      left -= n;
    }
    Reference.reachabilityFence(into); // the buffer alone does not keep its memory alive
  }

  /** The array itself if it owns plain C-order memory, else a copy that does. */
  private static INDArray contiguous(INDArray a) {
    boolean plain =
        !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
    return plain ? a : a.dup('c');
  }

  /** The array's elements as bytes in native order, position 0, limit its length in bytes. */
  private static ByteBuffer memory(INDArray a) {
    long bytes = a.length() * a.dataType().width();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "an array of " + bytes + " bytes is over the 2 GB one transfer handles");
    }
    ByteBuffer all = a.data().asNio();
    if (a.offset() != 0 || all.capacity() < bytes) {
      throw new IllegalStateException(
          "expected an array owning its memory, got offset "
              + a.offset()
              + " and "
              + all.capacity()
              + " bytes for "
              + bytes);
    }
    return all.duplicate().position(0).limit((int) bytes);
  }

  /**
   * Copies the elements of {@code from} into {@code to}, each of {@code width} bytes, converting
   * byte order.
   */
  private static void copyBits(ByteBuffer from, ByteBuffer to, int width) {
    switch (width) {
      case 1 -> to.put(from);
      case 2 -> to.asShortBuffer().put(from.asShortBuffer());
      case 4 -> to.asIntBuffer().put(from.asIntBuffer());
      case 8 -> to.asLongBuffer().put(from.asLongBuffer());
      default -> throw new IllegalArgumentException("no element type of " + width + " bytes");
    }
  }

  /** A new C-order array for {@link #read}, outside any workspace. */
  static INDArray allocate(DataType type, long[] shape) {
    return Nd4j.createUninitializedDetached(type, 'c', shape);
  }
}
