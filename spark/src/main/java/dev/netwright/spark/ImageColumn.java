package dev.netwright.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import dev.netwright.runtime.data.Images;
import dev.netwright.runtime.data.Normalization;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple3;

/**
 * Reads one image per row from a DataFrame column into a network's [C, H, W] floats: an array of
 * floats or doubles (used as they are), an array of bytes (unsigned pixels, normalised), or the
 * encoded PNG/JPEG bytes of Spark's {@code binaryFile} source (decoded, resized, normalised). The
 * column's type, and its shape when the column says it ({@link #SHAPE} metadata), are checked on
 * the driver before any job; every row is checked as it is read.
 */
public final class ImageColumn implements Serializable {
  /** Column metadata key holding the images' [C, H, W], set by {@link SparkData}. */
  public static final String SHAPE = "netwright.shape";

  private static final long serialVersionUID = 1L;

  private final String column;
  private final int[] shape;
  // Normalization is not Serializable: its two numbers travel, the record is rebuilt on arrival.
  private final float mean;
  private final float std;
  private transient Normalization normalization;
  private final boolean encoded;
  private final DataType element; // of an array column; null for encoded images
  private final boolean containsNull;

  private ImageColumn(String column, int[] shape, Normalization normalization, DataType type) {
    this.column = column;
    this.shape = shape;
    this.mean = normalization.mean();
    this.std = normalization.std();
    this.encoded = type.equals(DataTypes.BinaryType);
    this.element = type instanceof ArrayType a ? a.elementType() : null;
    this.containsNull = type instanceof ArrayType a && a.containsNull();
  }

  /**
   * Checks that {@code column} of {@code schema} can hold images of {@code shape} ([C, H, W], the
   * network's input shape) and returns its reader.
   *
   * @throws BadInputException naming the column, the expected and the found type or shape
   */
  public static ImageColumn check(
      StructType schema, String column, int[] shape, Normalization normalization) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new BadInputException(
          "there is no image column '" + column + "'; the columns are " + names);
    }
    StructField field = schema.apply(column);
    DataType type = field.dataType();
    boolean encoded = type.equals(DataTypes.BinaryType);
    boolean array =
        type instanceof ArrayType a
            && (a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType)
                || a.elementType().equals(DataTypes.ByteType));
    if (!encoded && !array) {
      throw new BadInputException(
          "image column '"
              + column
              + "' is "
              + type.simpleString()
              + "; expected"
              + " array<float>, array<double> or array<tinyint> of "
              + Arrays.toString(shape)
              + " values, or binary PNG/JPEG bytes (Spark's binaryFile source)");
    }
    Metadata meta = field.metadata();
    if (array && meta.contains(SHAPE)) {
      int[] found = Arrays.stream(meta.getLongArray(SHAPE)).mapToInt(Math::toIntExact).toArray();
      if (!Arrays.equals(found, shape)) {
        throw new BadInputException(
            "image column '"
                + column
                + "' holds images of shape "
                + Arrays.toString(found)
                + ", but the network expects "
                + Arrays.toString(shape));
      }
    }
    if (encoded && shape[0] != 1 && shape[0] != 3) {
      throw new BadInputException(
          "image column '"
              + column
              + "' holds encoded images, which decode to 1 or 3"
              + " channels, but the network expects "
              + Arrays.toString(shape));
    }
    return new ImageColumn(column, shape.clone(), normalization, type);
  }

  private Normalization normalization() {
    if (normalization == null) {
      normalization = new Normalization(mean, std);
    }
    return normalization;
  }

  /** The column's name. */
  public String name() {
    return column;
  }

  /**
   * Whether the images are encoded PNG/JPEG bytes, read as {@code byte[]}; else {@code float[]}.
   */
  boolean isEncoded() {
    return encoded;
  }

  /** Whether the column is an array of floats, which scoring passes through to its output. */
  boolean isFloatArray() {
    return DataTypes.FloatType.equals(element);
  }

  /**
   * The column as {@link #read(Object, Integer, String, float[], int)} takes it: binary as it is,
   * any array as an array of floats without nulls (bytes stay signed there; reading makes them
   * unsigned). Spark's {@code float[]} encoder refuses an array that may hold a null, so a null
   * value becomes 0 here and {@link #firstNull()} reports it.
   */
  Column values() {
    if (encoded || (isFloatArray() && !containsNull)) {
      return col(quoted(column));
    }
    if (containsNull) {
      return expr(
          "transform(" + quoted(column) + ", x -> coalesce(cast(x as float), cast(0 as float)))");
    }
    return col(quoted(column)).cast(DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  /**
   * The 1-based position of the first null in an array image, 0 when there is none (or none can be:
   * the column's type says so), null when the image itself is null.
   */
  Column firstNull() {
    if (!containsNull) {
      return lit(0);
    }
    return expr("array_position(transform(" + quoted(column) + ", x -> x is null), true)")
        .cast(DataTypes.IntegerType);
  }

  /**
   * {@code rows} as every reader here takes them: ({@code kept}, the columns named, as one {@link
   * Row}; the image as {@link #read(Object, Integer, String, float[], int)} takes it, through
   * Spark's {@code float[]} or {@code byte[]} encoder, so no pixel is boxed; {@link #firstNull()}).
   */
  Dataset<Tuple3<Row, Object, Integer>> typed(Dataset<Row> rows, List<String> kept) {
    List<Column> columns = new ArrayList<>();
    StructType schema = new StructType();
    for (String name : kept) {
      columns.add(col(quoted(name)));
      schema = schema.add(rows.schema().apply(name));
    }
    if (columns.isEmpty()) { // a struct needs a field
      columns.add(lit(false).as(UNUSED));
      schema = schema.add(UNUSED, DataTypes.BooleanType, false);
    }
    @SuppressWarnings("unchecked") // the image is a byte[] or a float[], as read(Object, ...) takes
    Encoder<Object> image =
        (Encoder<Object>)
            (Encoder<?>)
                (encoded
                    ? Encoders.BINARY()
                    : rows.sparkSession().implicits().newFloatArrayEncoder());
    return rows.select(
            struct(columns.toArray(Column[]::new)).as("_1"),
            values().as("_2"),
            firstNull().as("_3"))
        .as(Encoders.tuple(Encoders.row(schema), image, Encoders.INT()));
  }

  private static final String UNUSED = "__netwright_unused";

  /** {@code name} as a SQL identifier: a column named "a.b" is that column, not field b of a. */
  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * Writes one image, as {@link #values()} gives it ({@code byte[]} or {@code float[]}), to {@code
   * dst} at {@code offset}; {@code firstNull} is {@link #firstNull()}'s value and {@code where}
   * names the row in errors.
   *
   * @throws BadInputException for a null image, a null value, a wrong length or an image that does
   *     not decode
   */
  void read(Object image, Integer firstNull, String where, float[] dst, int offset) {
    if (image == null) {
      throw new BadInputException("image column '" + column + "' is null in " + where);
    }
    if (encoded) {
      decode((byte[]) image, where, dst, offset);
      return;
    }
    if (firstNull != null && firstNull > 0) {
      throw new BadInputException(
          "image column '" + column + "' in " + where + " holds a null at " + (firstNull - 1));
    }
    float[] values = (float[]) image;
    int n = size();
    if (values.length != n) {
      throw new BadInputException(
          "image column '"
              + column
              + "' in "
              + where
              + " holds "
              + values.length
              + " values, but the network expects "
              + Arrays.toString(shape)
              + " = "
              + n);
    }
    if (DataTypes.ByteType.equals(element)) {
      for (int i = 0; i < n; i++) {
        float v = values[i];
        dst[offset + i] = normalization().apply(v < 0 ? (int) v + 256 : (int) v);
      }
    } else {
      System.arraycopy(values, 0, dst, offset, n);
    }
  }

  /** Values per image, C·H·W. */
  public int size() {
    return shape[0] * shape[1] * shape[2];
  }

  private void decode(byte[] bytes, String where, float[] dst, int offset) {
    int h = shape[1];
    int w = shape[2];
    float[] rgb;
    try {
      rgb = Images.read(bytes, Path.of(where), h, w);
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(
          "image column '"
              + column
              + "': cannot read the image in "
              + where
              + ": "
              + e.getMessage(),
          e);
    }
    int plane = h * w;
    if (shape[0] == 3) {
      for (int i = 0; i < 3 * plane; i++) {
        dst[offset + i] = (rgb[i] - mean) / std;
      }
      return;
    }
    for (int i = 0; i < plane; i++) { // luma as PIL's convert("L"); a grey image has r = g = b
      float grey = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
      dst[offset + i] = (grey - mean) / std;
    }
  }
}
