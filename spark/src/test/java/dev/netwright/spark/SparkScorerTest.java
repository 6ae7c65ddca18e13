package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.Images;
import dev.netwright.runtime.data.Normalization;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scoring DataFrames of pixel arrays and of PNG files gives what the network gives on one machine.
 */
class SparkScorerTest {
  private static final SparkSession SPARK = SparkTests.spark();

  /** Softmax of one row of logits, in double. */
  private static double[] softmax(INDArray logits, int row) {
    int k = (int) logits.size(1);
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, logits.getDouble(row, c));
    }
    double[] p = new double[k];
    double sum = 0;
    for (int c = 0; c < k; c++) {
      p[c] = Math.exp(logits.getDouble(row, c) - max);
      sum += p[c];
    }
    for (int c = 0; c < k; c++) {
      p[c] /= sum;
    }
    return p;
  }

  private static void assertScores(Row row, double[] expected) {
    List<Float> probabilities = row.getList(row.fieldIndex("probabilities"));
    int best = 0;
    for (int c = 0; c < expected.length; c++) {
      assertEquals(expected[c], probabilities.get(c), 1e-5, "class " + c);
      best = expected[c] > expected[best] ? c : best;
    }
    assertEquals(best, row.getInt(row.fieldIndex("prediction")));
  }

  @Test
  void arrayImagesScoreAsTheNetworkDoesOnOneMachineInEveryPartition() {
    dev.netwright.runtime.data.Dataset data = SparkTests.bars(300, 5);
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    Dataset<Row> scored = SparkScorer.of(net).batchSize(64).score(SparkData.of(SPARK, data, 3));
    List<Row> rows = scored.collectAsList();
    assertEquals(300, rows.size());
    float[] pixels = new float[300 * 64];
    for (int i = 0; i < 300; i++) {
      data.copyImage(i, pixels, i * 64);
    }
    net.setTraining(false);
    INDArray logits = net.forward(Nd4j.createFromArray(pixels).reshape(300, 1, 8, 8)).dup();
    for (int i = 0; i < 300; i++) {
      Row row = rows.get(i);
      assertEquals(
          data.label(i), row.getInt(row.fieldIndex("label")), "rows keep their order and columns");
      assertScores(row, softmax(logits, i));
    }
  }

  @Test
  void pngFilesFromBinaryFileAreDecodedResizedAndScored(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("a"));
    for (int i = 0; i < 5; i++) {
      BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          image.getRaster().setSample(x, y, 0, (x * 16 + y * i * 7) % 256);
        }
      }
      ImageIO.write(image, "png", dir.resolve("a").resolve(i + ".png").toFile());
    }
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    Dataset<Row> files = SparkData.imageFolder(SPARK, dir.toString(), List.of("a"));
    List<Row> rows =
        SparkScorer.of(net)
            .imageColumn("content")
            .normalization(Normalization.MNIST)
            .score(files)
            .collectAsList();
    assertEquals(5, rows.size());
    net.setTraining(false);
    for (Row row : rows) {
      assertEquals(0, row.getInt(row.fieldIndex("label")), "the folder is the class");
      Path file = Path.of(java.net.URI.create(row.getString(row.fieldIndex("path"))));
      float[] rgb = Images.read(file, 8, 8);
      float[] grey = new float[64];
      for (int j = 0; j < 64; j++) {
        grey[j] =
            (rgb[j] - Normalization.MNIST.mean())
                / Normalization.MNIST.std(); // a grey PNG: r = g = b
      }
      INDArray logits = net.forward(Nd4j.createFromArray(grey).reshape(1, 1, 8, 8));
      assertScores(row, softmax(logits, 0));
    }
  }

  @Test
  void aWrongColumnIsRefusedAtOnce() {
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    Dataset<Row> rows = SparkData.of(SPARK, SparkTests.bars(4, 1), 1);
    String missing =
        assertThrows(
                BadInputException.class,
                () -> SparkScorer.of(net).imageColumn("pixels").score(rows))
            .getMessage();
    assertEquals("there is no image column 'pixels'; the columns are [image, label]", missing);
    String taken =
        assertThrows(
                BadInputException.class,
                () -> SparkScorer.of(net).score(rows.withColumnRenamed("label", "prediction")))
            .getMessage();
    assertTrue(taken.contains("already has a column 'prediction'"), taken);
  }

  /** The bars as a DataFrame whose image column is an array of {@code type}, beside an id. */
  private static Dataset<Row> typed(
      dev.netwright.runtime.data.Dataset data,
      org.apache.spark.sql.types.DataType type,
      boolean bytes) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      float[] image = new float[64];
      data.copyImage(i, image, 0);
      Object[] values = new Object[64];
      for (int j = 0; j < 64; j++) {
        values[j] =
            bytes
                ? (Object) (byte) pixel(image[j])
                : type.equals(DataTypes.DoubleType)
                    ? (Object) (double) image[j]
                    : (Object) image[j];
      }
      rows.add(RowFactory.create("id" + i, values, data.label(i)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("pixels", DataTypes.createArrayType(type, true))
            .add("label", DataTypes.IntegerType);
    return SPARK.createDataFrame(rows, schema).repartition(2);
  }

  /** A value of the bars as an unsigned byte pixel (0..255). */
  private static int pixel(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 200 + 20)));
  }

  @Test
  void doubleAndByteArraysScoreAsFloatsAndKeepEveryColumnAsItWas() {
    dev.netwright.runtime.data.Dataset data = SparkTests.bars(40, 9);
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    net.setTraining(false);
    for (org.apache.spark.sql.types.DataType type :
        List.of(DataTypes.DoubleType, DataTypes.ByteType, DataTypes.FloatType)) {
      boolean bytes = type.equals(DataTypes.ByteType);
      Dataset<Row> rows = typed(data, type, bytes);
      Dataset<Row> scored = SparkScorer.of(net).imageColumn("pixels").batchSize(16).score(rows);
      assertEquals(
          List.of("id", "pixels", "label", "prediction", "probabilities"),
          List.of(scored.schema().fieldNames()),
          type.toString());
      assertEquals(
          rows.schema()
              .apply("pixels")
              .dataType()
              .sameType(scored.schema().apply("pixels").dataType()),
          true,
          type + ": the image column keeps its type");
      for (Row row : scored.collectAsList()) {
        int i = Integer.parseInt(row.getString(0).substring(2));
        assertEquals(data.label(i), row.getInt(2), "the columns stay with their row");
        assertEquals(64, row.getList(1).size());
        float[] image = new float[64];
        data.copyImage(i, image, 0);
        for (int j = 0; j < 64; j++) {
          image[j] = bytes ? Normalization.MNIST.apply(pixel(image[j])) : image[j];
        }
        if (bytes) {
          assertEquals(
              (byte) pixel(data.pixel(i, 0, 0, 0)),
              (byte) row.getList(1).get(0),
              "bytes pass unchanged");
        }
        assertScores(row, softmax(net.forward(Nd4j.createFromArray(image).reshape(1, 1, 8, 8)), 0));
      }
    }
  }

  @Test
  void aDataFrameOfImagesAloneIsScoredAndDottedNamesAreColumnsNotFields() {
    dev.netwright.runtime.data.Dataset data = SparkTests.bars(10, 2);
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    Dataset<Row> alone = SparkScorer.of(net).score(SparkData.of(SPARK, data, 2).select("image"));
    assertEquals(
        List.of("image", "prediction", "probabilities"), List.of(alone.schema().fieldNames()));
    assertEquals(10, alone.collectAsList().size());
    Dataset<Row> dotted =
        SparkData.of(SPARK, data, 2)
            .withColumnRenamed("image", "scan.pixels")
            .withColumnRenamed("label", "label.v1");
    List<Row> rows = SparkScorer.of(net).imageColumn("scan.pixels").score(dotted).collectAsList();
    assertEquals(10, rows.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(data.label(i), rows.get(i).getInt(rows.get(i).fieldIndex("label.v1")));
    }
  }

  /**
   * The {@link BadInputException} a job failed with, found in the cause chain Spark wraps it in.
   */
  private static String failure(Dataset<Row> scored) {
    Throwable t = assertThrows(Exception.class, scored::collectAsList);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadInputException) {
        return c.getMessage();
      }
    }
    throw new AssertionError("no BadInputException in the cause chain", t);
  }

  @Test
  void aNullImageANullPixelAndAWrongLengthAreNamed() {
    StructType schema =
        new StructType()
            .add("image", DataTypes.createArrayType(DataTypes.FloatType, true))
            .add("label", DataTypes.IntegerType);
    Float[] good = new Float[64];
    java.util.Arrays.fill(good, 0.5f);
    Float[] hole = good.clone();
    hole[17] = null;
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    SparkScorer scorer = SparkScorer.of(net);
    Dataset<Row> nullImage =
        SPARK
            .createDataFrame(
                List.of(RowFactory.create(good, 0), RowFactory.create(null, 1)), schema)
            .coalesce(1);
    assertEquals(
        "image column 'image' is null in row 1 of this partition",
        failure(scorer.score(nullImage)));
    Dataset<Row> nullPixel = SPARK.createDataFrame(List.of(RowFactory.create(hole, 0)), schema);
    assertEquals(
        "image column 'image' in row 0 of this partition holds a null at 17",
        failure(scorer.score(nullPixel)));
    Float[] fifty = new Float[50];
    java.util.Arrays.fill(fifty, 0f);
    assertEquals(
        "image column 'image' in row 0 of this partition holds 50 values, but the network expects"
            + " [1, 8, 8] = 64",
        failure(scorer.score(SPARK.createDataFrame(List.of(RowFactory.create(fifty, 0)), schema))));
  }
}
