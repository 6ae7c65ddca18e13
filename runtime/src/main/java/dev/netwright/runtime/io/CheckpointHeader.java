package dev.netwright.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A checkpoint's header: who it belongs to, where training stood, and the table of arrays whose
 * elements follow it in order. Encoded with {@link DataOutputStream} (big-endian, strings as
 * modified UTF-8):
 *
 * <pre>
 * network  UTF     model.name()
 * dtype    UTF     FLOAT or DOUBLE
 * fingerprint UTF  {@link Checkpoint#fingerprint}
 * epoch int, seed long, loaderEpoch int, modelSteps long, dropoutSeed long
 * optimizer UTF    kind, "" if saved without one
 * steps long, learningRate double
 * count int, then per array:
 *   kind byte ('P' parameter, 'B' buffer, 'O' optimizer state), name UTF,
 *   dtype byte (1 FLOAT, 2 DOUBLE), rank byte, dims long[rank]
 * dataLength long  the bytes of all arrays' elements together
 * </pre>
 */
record CheckpointHeader(
    String network,
    DataType dtype,
    String fingerprint,
    TrainingState state,
    String optimizer,
    long steps,
    double learningRate,
    List<Entry> entries,
    long dataLength) {
  static final byte PARAMETER = 'P';
  static final byte BUFFER = 'B';
  static final byte OPTIMIZER = 'O';

  /** One array: its role, name, element type and shape. */
  record Entry(byte kind, String name, DataType dtype, long[] shape) {
    long length() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    long bytes() {
      return Math.multiplyExact(length(), dtype.width());
    }

    @Override
    public String toString() {
      return name + " " + Arrays.toString(shape);
    }
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(network);
      out.writeUTF(dtype.name());
      out.writeUTF(fingerprint);
      out.writeInt(state.epoch());
      out.writeLong(state.seed());
      out.writeInt(state.loaderEpoch());
      out.writeLong(state.modelSteps());
      out.writeLong(state.dropoutSeed());
      out.writeUTF(optimizer);
      out.writeLong(steps);
      out.writeDouble(learningRate);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        out.writeByte(e.kind);
        out.writeUTF(e.name);
        out.writeByte(code(e.dtype));
        out.writeByte(e.shape.length);
        for (long d : e.shape) {
          out.writeLong(d);
        }
      }
      out.writeLong(dataLength);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
  }

  /**
   * Decodes a header whose checksum already matched, so a failure here means a writer's bug or a
   * crafted file.
   *
   * @throws IOException naming what is inconsistent
   */
  static CheckpointHeader decode(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    String network = in.readUTF();
    DataType dtype = floatType(in.readUTF());
    String fingerprint = in.readUTF();
    int epoch = in.readInt();
    long seed = in.readLong();
    int loaderEpoch = in.readInt();
    long modelSteps = in.readLong();
    long dropoutSeed = in.readLong();
    if (epoch < 0 || loaderEpoch < 0) {
      throw new IOException("negative epoch " + epoch + " or loader epoch " + loaderEpoch);
    }
    String optimizer = in.readUTF();
    long steps = in.readLong();
    double learningRate = in.readDouble();
    if (steps < 0 || !(learningRate >= 0) || !Double.isFinite(learningRate)) {
      throw new IOException(
          "step count " + steps + " or learning rate " + learningRate + " out of range");
    }
    int count = in.readInt();
    if (count < 0 || count > bytes.length) {
      throw new IOException(count + " arrays in a header of " + bytes.length + " bytes");
    }
    List<Entry> entries = new ArrayList<>(count);
    long total = 0;
    for (int i = 0; i < count; i++) {
      byte kind = in.readByte();
      if (kind != PARAMETER && kind != BUFFER && kind != OPTIMIZER) {
        throw new IOException("array " + i + " has kind " + kind);
      }
      String name = in.readUTF();
      DataType type =
          switch (in.readByte()) {
            case 1 -> DataType.FLOAT;
            case 2 -> DataType.DOUBLE;
            default -> throw new IOException("array '" + name + "' has an unknown element type");
          };
      int rank = in.readUnsignedByte();
      if (rank < 1 || rank > 32) {
        throw new IOException("array '" + name + "' has rank " + rank);
      }
      long[] shape = new long[rank];
      for (int k = 0; k < rank; k++) {
        shape[k] = in.readLong();
        if (shape[k] < 1) {
          throw new IOException("array '" + name + "' has shape " + Arrays.toString(shape));
        }
      }
      Entry e = new Entry(kind, name, type, shape);
      try {
        total = Math.addExact(total, e.bytes());
      } catch (ArithmeticException overflow) {
        throw new IOException(
            "array '" + name + "' " + Arrays.toString(shape) + " is impossibly large");
      }
      entries.add(e);
    }
    long dataLength = in.readLong();
    if (dataLength != total) {
      throw new IOException(
          "the arrays add up to " + total + " bytes but the header declares " + dataLength);
    }
    if (in.available() != 0) {
      throw new IOException(in.available() + " unread bytes at its end");
    }
    return new CheckpointHeader(
        network,
        dtype,
        fingerprint,
        new TrainingState(epoch, seed, loaderEpoch, modelSteps, dropoutSeed),
        optimizer,
        steps,
        learningRate,
        List.copyOf(entries),
        dataLength);
  }

  static byte code(DataType type) {
    return switch (type) {
      case FLOAT -> 1;
      case DOUBLE -> 2;
      default ->
          throw new IllegalArgumentException(
              "checkpoints hold FLOAT or DOUBLE arrays, not " + type);
    };
  }

  private static DataType floatType(String name) throws IOException {
    if (name.equals("FLOAT") || name.equals("DOUBLE")) {
      return DataType.valueOf(name);
    }
    throw new IOException("element type '" + name + "'");
  }
}
