package dev.netwright.spark;

import dev.netwright.runtime.data.Images;
import dev.netwright.runtime.data.Normalization;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one image per row from a DataFrame column into a network's [C, H, W] floats: an array of
 * floats or doubles (used as they are), an array of bytes (unsigned pixels, normalised), or the
 * encoded PNG/JPEG bytes of Spark's {@code binaryFile} source (decoded, resized, normalised).
 * The column's type, and its shape when the column says it ({@link #SHAPE} metadata), are checked
 * on the driver before any job; every row is checked as it is read.
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

  private ImageColumn(String column, int[] shape, Normalization normalization, boolean encoded) {
    this.column = column;
    this.shape = shape;
    this.mean = normalization.mean();
    this.std = normalization.std();
    this.encoded = encoded;
  }

  /**
   * Checks that {@code column} of {@code schema} can hold images of {@code shape} ([C, H, W], the
   * network's input shape) and returns its reader.
   *
   * @throws BadInputException naming the column, the expected and the found type or shape
   */
  public static ImageColumn check(StructType schema, String column, int[] shape, Normalization normalization) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new BadInputException("there is no image column '" + column + "'; the columns are " + names);
    }
    StructField field = schema.apply(column);
    DataType type = field.dataType();
    boolean encoded = type.equals(DataTypes.BinaryType);
    boolean array = type instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
        || a.elementType().equals(DataTypes.DoubleType) || a.elementType().equals(DataTypes.ByteType));
    if (!encoded && !array) {
      throw new BadInputException("image column '" + column + "' is " + type.simpleString() + "; expected"
          + " array<float>, array<double> or array<tinyint> of " + Arrays.toString(shape)
          + " values, or binary PNG/JPEG bytes (Spark's binaryFile source)");
    }
    Metadata meta = field.metadata();
    if (array && meta.contains(SHAPE)) {
      int[] found = Arrays.stream(meta.getLongArray(SHAPE)).mapToInt(Math::toIntExact).toArray();
      if (!Arrays.equals(found, shape)) {
        throw new BadInputException("image column '" + column + "' holds images of shape "
            + Arrays.toString(found) + ", but the network expects " + Arrays.toString(shape));
      }
    }
    if (encoded && shape[0] != 1 && shape[0] != 3) {
      throw new BadInputException("image column '" + column + "' holds encoded images, which decode to 1 or 3"
          + " channels, but the network expects " + Arrays.toString(shape));
    }
    return new ImageColumn(column, shape.clone(), normalization, encoded);
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

  /** Values per image, C·H·W. */
  public int size() {
    return shape[0] * shape[1] * shape[2];
  }

  /**
   * Writes the image in field {@code field} of {@code row} to {@code dst} at {@code offset};
   * {@code where} names the row in errors (e.g. its file path).
   *
   * @throws BadInputException for a null image, a wrong length or an image that does not decode
   */
  public void read(Row row, int field, String where, float[] dst, int offset) {
    if (row.isNullAt(field)) {
      throw new BadInputException("image column '" + column + "' is null in " + where);
    }
    int n = size();
    if (encoded) {
      decode(row.getAs(field), where, dst, offset);
      return;
    }
    List<Object> values = row.getList(field);
    if (values.size() != n) {
      throw new BadInputException("image column '" + column + "' in " + where + " holds " + values.size()
          + " values, but the network expects " + Arrays.toString(shape) + " = " + n);
    }
    for (int i = 0; i < n; i++) {
      Object v = values.get(i);
      if (v == null) {
        throw new BadInputException("image column '" + column + "' in " + where + " holds a null at " + i);
      }
      dst[offset + i] = v instanceof Byte b ? normalization().apply(b & 0xff) : ((Number) v).floatValue();
    }
  }

  private void decode(byte[] bytes, String where, float[] dst, int offset) {
    int h = shape[1];
    int w = shape[2];
    float[] rgb;
    try {
      rgb = Images.read(bytes, Path.of(where), h, w);
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("image column '" + column + "': cannot read the image in " + where + ": "
          + e.getMessage(), e);
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
