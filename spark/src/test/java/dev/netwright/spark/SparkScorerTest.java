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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Scoring DataFrames of pixel arrays and of PNG files gives what the network gives on one machine. */
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
      assertEquals(data.label(i), row.getInt(row.fieldIndex("label")), "rows keep their order and columns");
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
    List<Row> rows = SparkScorer.of(net).imageColumn("content").normalization(Normalization.MNIST).score(files)
        .collectAsList();
    assertEquals(5, rows.size());
    net.setTraining(false);
    for (Row row : rows) {
      assertEquals(0, row.getInt(row.fieldIndex("label")), "the folder is the class");
      Path file = Path.of(java.net.URI.create(row.getString(row.fieldIndex("path"))));
      float[] rgb = Images.read(file, 8, 8);
      float[] grey = new float[64];
      for (int j = 0; j < 64; j++) {
        grey[j] = (rgb[j] - Normalization.MNIST.mean()) / Normalization.MNIST.std(); // a grey PNG: r = g = b
      }
      INDArray logits = net.forward(Nd4j.createFromArray(grey).reshape(1, 1, 8, 8));
      assertScores(row, softmax(logits, 0));
    }
  }

  @Test
  void aWrongColumnIsRefusedAtOnce() {
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 4);
    Dataset<Row> rows = SparkData.of(SPARK, SparkTests.bars(4, 1), 1);
    String missing = assertThrows(BadInputException.class, () -> SparkScorer.of(net).imageColumn("pixels")
        .score(rows)).getMessage();
    assertEquals("there is no image column 'pixels'; the columns are [image, label]", missing);
    String taken = assertThrows(BadInputException.class, () -> SparkScorer.of(net)
        .score(rows.withColumnRenamed("label", "prediction"))).getMessage();
    assertTrue(taken.contains("already has a column 'prediction'"), taken);
  }
}
