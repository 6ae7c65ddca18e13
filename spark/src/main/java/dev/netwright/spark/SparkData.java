package dev.netwright.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * DataFrames of images and labels from the formats the runtime reads: IDX files (MNIST, Fashion-
 * MNIST) and folders of image files, one subfolder per class.
 */
public final class SparkData {
  private SparkData() {}

  /**
   * The training (or test) half of an IDX directory as columns {@code image} (array of float,
   * normalised, with its [C, H, W] in the column's metadata) and {@code label} (int). The files are
   * read on the driver and the rows spread over {@code partitions}.
   */
  public static org.apache.spark.sql.Dataset<Row> idx(
      SparkSession spark,
      Path directory,
      boolean train,
      Normalization normalization,
      int partitions)
      throws IOException {
    Dataset data =
        train
            ? IdxDirectory.train(directory, normalization)
            : IdxDirectory.test(directory, normalization);
    return of(spark, data, partitions);
  }

  /**
   * A runtime {@link Dataset} as columns {@code image} and {@code label}, as {@link #idx} makes
   * them.
   */
  public static org.apache.spark.sql.Dataset<Row> of(
      SparkSession spark, Dataset data, int partitions) {
    int size = data.imageSize();
    List<Row> rows = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      float[] image = new float[size]; // a primitive array: Spark converts it without boxing
      data.copyImage(i, image, 0);
      rows.add(RowFactory.create(image, data.label(i)));
    }
    Metadata shape =
        new MetadataBuilder()
            .putLongArray(
                ImageColumn.SHAPE, new long[] {data.channels(), data.height(), data.width()})
            .build();
    StructType schema =
        new StructType()
            .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false, shape)
            .add("label", DataTypes.IntegerType, false);
    // parallelize keeps the rows in order, so row i is example i of the data set everywhere.
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
  }

  /**
   * The image files under {@code root} (any Hadoop path: a directory, HDFS, S3) as Spark's {@code
   * binaryFile} rows ({@code path}, {@code content} with the encoded bytes, ...) plus {@code
   * label}: the index of the file's folder name among {@code classes}, in that order. Files in
   * folders not listed are dropped.
   */
  public static org.apache.spark.sql.Dataset<Row> imageFolder(
      SparkSession spark, String root, List<String> classes) {
    org.apache.spark.sql.Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(root)
            .withColumn("class", regexp_extract(col("path"), "([^/]+)/[^/]+$", 1));
    List<Row> names = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      names.add(RowFactory.create(classes.get(i), i));
    }
    StructType schema =
        new StructType()
            .add("class", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, false);
    return files
        .join(
            org.apache.spark.sql.functions.broadcast(spark.createDataFrame(names, schema)), "class")
        .drop("class");
  }
}
