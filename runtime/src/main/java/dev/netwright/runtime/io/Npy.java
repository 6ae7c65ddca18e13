package dev.netwright.runtime.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One array as a NumPy {@code .npy} file: what {@code numpy.save} writes and {@code numpy.load}
 * reads. Writes format 1.0, little-endian, C order; reads formats 1.0 to 3.0, either byte order, C
 * order, float32/float64 (and int32/int64/uint8, for arrays such as batch norm's {@code
 * num_batches_tracked}).
 *
 * <p>Format 1.0: the magic {@code \x93NUMPY}, the bytes 1 and 0, a little-endian uint16 header
 * length, then that many bytes of ASCII holding a Python dict literal, e.g. {@code {'descr': '<f4',
 * 'fortran_order': False, 'shape': (10, 1, 5, 5), }}, padded with spaces and ended by a newline so
 * that the data starts at a multiple of 64 bytes; then the elements. The header is padded exactly
 * as NumPy pads it, so {@link #write} writes the bytes {@code numpy.save} does.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** A parsed header: element type and byte order, layout and shape. */
  record Header(DataType type, ByteOrder order, String descr, boolean fortranOrder, long[] shape) {
    long length() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
  }

  /**
   * Writes {@code array} (FLOAT or DOUBLE, any layout) to {@code file} as {@code <f4} or {@code
   * <f8}, atomically.
   */
  public static void write(Path file, INDArray array) throws IOException {
    Objects.requireNonNull(array, "array");
    byte[] header = header(array);
    AtomicFile.write(
        file,
        out -> {
          out.write(header);
          RawArrays.write(array, ByteOrder.LITTLE_ENDIAN, out);
        });
  }

  /**
   * Reads {@code file} into a new array of its shape and type (FLOAT for float32, DOUBLE for
   * float64, and INT32, INT64 or UINT8 for integers).
   *
   * @throws ModelFileException if it is not a .npy file this reader handles, or is cut short
   */
  public static INDArray read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      Header h = parse(in, file, "");
      if (h.length() == 0) {
        return Nd4j.create(h.type(), h.shape());
      }
      INDArray a = RawArrays.allocate(h.type(), h.shape());
      readData(in, h, a, file, "");
      return a;
    }
  }

  /**
   * The whole preamble (magic, version, length, padded dict) for {@code array}: format 1.0,
   * little-endian, C order.
   */
  static byte[] header(INDArray array) {
    DataType type = array.dataType();
    String descr =
        type == DataType.FLOAT
            ? "<f4"
            : type == DataType.DOUBLE ? "<f8" : type == DataType.INT64 ? "<i8" : null;
    if (descr == null) {
      throw new IllegalArgumentException(
          ".npy export writes FLOAT, DOUBLE or INT64 arrays, not " + type);
    }
    return header(descr, array.shape());
  }

  static byte[] header(String descr, long[] shape) {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    // NumPy writes (n,) for one dimension and (a, b) for more: no comma after the last of several.
    String tuple =
        shape.length == 1
            ? dims.substring(0, dims.length() - 1)
            : shape.length == 0 ? "" : dims.substring(0, dims.length() - 2);
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
    // As numpy.lib.format writes it, byte for byte: room for the first axis to grow to 21 digits in
    // place, then spaces up to the next multiple of 64 (a whole 64 when already there) and a
    // newline.
    if (shape.length > 0) {
      dict += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length());
    }
    int padding = ALIGN - (MAGIC.length + 2 + 2 + dict.length() + 1) % ALIGN;
    String text = dict + " ".repeat(padding) + "\n";
    int total = MAGIC.length + 2 + 2 + text.length();
    if (text.length() > 0xFFFF) {
      throw new IllegalArgumentException(
          "a .npy 1.0 header holds 65535 bytes, this one " + text.length());
    }
    byte[] out = new byte[total];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = 1;
    out[7] = 0;
    out[8] = (byte) text.length();
    out[9] = (byte) (text.length() >>> 8);
    System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, out, 10, text.length());
    return out;
  }

  /**
   * Reads and checks a preamble; {@code entry} names the array inside an archive ("" for a lone
   * file) in messages.
   */
  static Header parse(InputStream in, Path file, String entry) throws IOException {
    String where = entry.isEmpty() ? "" : "entry " + entry + " ";
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
      throw new ModelFileException(
          file,
          where
              + "is not a NumPy .npy array: it does not start with \\x93NUMPY"
              + (magic.length < 8 ? " (it has only " + magic.length + " bytes)" : ""));
    }
    int major = magic[6];
    if (major < 1 || major > 3) {
      throw new ModelFileException(
          file,
          where
              + "is .npy format version "
              + major
              + "."
              + magic[7]
              + "; this reader knows 1.0 to 3.0: save it with numpy.save or np.savez from NumPy 1.x/2.x");
    }
    DataInputStream data = new DataInputStream(in);
    long length;
    try {
      length =
          major == 1
              ? Short.toUnsignedInt(Short.reverseBytes(data.readShort()))
              : Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
    } catch (EOFException e) {
      throw new ModelFileException(file, where + "is cut short inside its header", e);
    }
    if (length > 1 << 20) {
      throw new ModelFileException(
          file, where + "declares a header of " + length + " bytes, which is not plausible");
    }
    byte[] text = in.readNBytes((int) length);
    if (text.length < length) {
      throw new ModelFileException(file, where + "is cut short inside its header");
    }
    String dict =
        new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
    Matcher descr = DESCR.matcher(dict);
    Matcher fortran = FORTRAN.matcher(dict);
    Matcher shape = SHAPE.matcher(dict);
    if (!dict.startsWith("{")
        || !dict.endsWith("}")
        || !descr.find()
        || !fortran.find()
        || !shape.find()) {
      throw new ModelFileException(
          file,
          where
              + "has a header that is not the dict NumPy writes ({'descr': ...,"
              + " 'fortran_order': ..., 'shape': (...), }): "
              + dict);
    }
    long[] dims;
    try {
      dims =
          Arrays.stream(shape.group(1).split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .mapToLong(Long::parseLong)
              .toArray();
    } catch (NumberFormatException e) {
      throw new ModelFileException(
          file, where + "has a shape NumPy would not write: (" + shape.group(1) + ")");
    }
    if (Arrays.stream(dims).anyMatch(d -> d < 0)) {
      throw new ModelFileException(
          file, where + "has a negative dimension in its shape " + Arrays.toString(dims));
    }
    String d = descr.group(1);
    DataType type = type(d.length() == 3 ? d.substring(1) : "");
    ByteOrder order =
        d.startsWith(">")
            ? ByteOrder.BIG_ENDIAN
            : d.startsWith("<") || d.startsWith("|")
                ? ByteOrder.LITTLE_ENDIAN
                : d.startsWith("=") ? ByteOrder.nativeOrder() : null;
    if (type == null || order == null) {
      throw new ModelFileException(
          file,
          where
              + "holds elements of type '"
              + d
              + "'; this reader handles"
              + " float32/float64 ('<f4', '<f8', either byte order) and int32/int64/uint8: convert it with"
              + " astype(np.float32)");
    }
    return new Header(type, order, d, fortran.group(1).equals("True"), dims);
  }

  private static DataType type(String code) {
    return switch (code) {
      case "f4" -> DataType.FLOAT;
      case "f8" -> DataType.DOUBLE;
      case "i4" -> DataType.INT32;
      case "i8" -> DataType.INT64;
      case "u1" -> DataType.UINT8;
      default -> null;
    };
  }

  /**
   * Reads the elements after a parsed header into {@code into}, a new C-order array of the header's
   * shape.
   */
  static void readData(InputStream in, Header h, INDArray into, Path file, String entry)
      throws IOException {
    String where = entry.isEmpty() ? "" : "entry " + entry + " ";
    if (h.fortranOrder() && h.shape().length > 1) {
      throw new ModelFileException(
          file, where + "is stored in Fortran order; save np.ascontiguousarray(a) instead");
    }
    try {
      RawArrays.read(in, h.type(), h.order(), into);
    } catch (EOFException e) {
      throw new ModelFileException(
          file,
          String.format(
              Locale.ROOT,
              "%sis cut short: it should hold %,d elements" + " of %s, and %s",
              where,
              h.length(),
              h.descr(),
              e.getMessage()),
          e);
    }
  }

  /** Writes a whole .npy image of {@code array} (header and data) to {@code out}. */
  static void writeTo(OutputStream out, INDArray array) throws IOException {
    out.write(header(array));
    RawArrays.write(array, ByteOrder.LITTLE_ENDIAN, out);
  }
}
