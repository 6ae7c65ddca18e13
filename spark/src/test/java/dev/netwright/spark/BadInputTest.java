package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.runtime.train.TrainingDivergedException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Each kind of bad input gives one clear error, and no checkpoint is damaged. */
class BadInputTest {
  private static final SparkSession SPARK = SparkTests.spark();

  private static void train(Dataset<Row> rows) {
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 1);
    SparkTrainer.builder()
        .batchSize(16)
        .replicas(2)
        .quiet(true)
        .build()
        .fit(net, p -> new Sgd(p, 0.01, 0), rows, null);
  }

  /** Rows of array<float> images (no declared shape) and int labels. */
  private static Dataset<Row> rows(List<Object[]> values) {
    StructType schema =
        new StructType()
            .add("image", DataTypes.createArrayType(DataTypes.FloatType, true), true)
            .add("label", DataTypes.IntegerType, true);
    List<Row> rows = new ArrayList<>();
    values.forEach(v -> rows.add(RowFactory.create(v)));
    return SPARK.createDataFrame(rows, schema);
  }

  private static Float[] image(int n) {
    Float[] image = new Float[n];
    Arrays.fill(image, 0.5f);
    return image;
  }

  private static String message(Class<? extends Throwable> type, Executable run) {
    return assertThrows(type, run).getMessage();
  }

  @Test
  void aDeclaredWrongShapeIsRefusedBeforeAnyJobNamingColumnAndShapes() {
    String group = "wrong-shape";
    SPARK.sparkContext().setJobGroup(group, "shape check", false);
    Dataset<Row> small =
        SparkData.of(
            SPARK,
            dev.netwright.runtime.data.Dataset.of(1, 6, 6, 4, new float[72], new int[] {0, 1}),
            1);
    try {
      String m = message(BadInputException.class, () -> train(small));
      assertEquals(
          "image column 'image' holds images of shape [1, 6, 6], but the network expects [1, 8, 8]",
          m);
      assertEquals(
          0, SPARK.sparkContext().statusTracker().getJobIdsForGroup(group).length, "no job ran");
    } finally {
      SPARK.sparkContext().clearJobGroup();
    }
  }

  @Test
  void aRowOfTheWrongLengthIsNamed() {
    String m =
        message(
            BadInputException.class,
            () -> train(rows(List.of(new Object[] {image(64), 0}, new Object[] {image(50), 1}))));
    assertTrue(
        m.contains(
            "image column 'image' in row 1 holds 50 values, but the network expects [1, 8, 8] = 64"),
        m);
  }

  @Test
  void aNullImageIsNamed() {
    String m =
        message(
            BadInputException.class,
            () -> train(rows(List.of(new Object[] {image(64), 0}, new Object[] {null, 1}))));
    assertTrue(m.contains("image column 'image' is null in row 1"), m);
  }

  @Test
  void aLabelOutOfRangeIsNamed() {
    String m =
        message(
            BadInputException.class,
            () -> train(rows(List.of(new Object[] {image(64), 0}, new Object[] {image(64), 7}))));
    assertTrue(m.contains("label column 'label' holds 7 in row 1; the network has 4 classes"), m);
  }

  @Test
  void anUnreadableImageIsNamed() {
    StructType schema =
        new StructType()
            .add("path", DataTypes.StringType)
            .add("content", DataTypes.BinaryType)
            .add("label", DataTypes.IntegerType);
    Dataset<Row> files =
        SPARK.createDataFrame(
            List.of(RowFactory.create("file:/data/cat/1.png", "not an image at all".getBytes(), 0)),
            schema);
    String m =
        message(
            BadInputException.class,
            () -> {
              TinyNetModel net = new TinyNetModel(DataType.FLOAT, 1);
              SparkTrainer.builder()
                  .columns("content", "label")
                  .replicas(1)
                  .quiet(true)
                  .build()
                  .fit(net, p -> new Sgd(p, 0.01, 0), files, null);
            });
    assertTrue(m.contains("cannot read the image in file:/data/cat/1.png"), m);
    assertTrue(m.contains("not an image"), m);
  }

  @Test
  void aColumnOfAnotherTypeIsRefused() {
    Dataset<Row> text =
        SPARK.createDataFrame(
            List.of(RowFactory.create("x", 0)),
            new StructType()
                .add("image", DataTypes.StringType)
                .add("label", DataTypes.IntegerType));
    String m = message(BadInputException.class, () -> train(text));
    assertTrue(m.startsWith("image column 'image' is string; expected array<float>"), m);
  }

  @Test
  void aCheckpointOfAnotherNetworkIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
    OtherNetModel other = new OtherNetModel(DataType.FLOAT, 1);
    Path file = dir.resolve(Trainer.LAST_CHECKPOINT);
    Checkpoint.save(file, other, new Sgd(other.parameters(), 0.01, 0), new TrainingState(1, 0, 1));
    byte[] before = Files.readAllBytes(file);
    Dataset<Row> rows = SparkData.of(SPARK, SparkTests.bars(32, 1), 2);
    String m =
        message(
            UncheckedIOException.class,
            () ->
                SparkTrainer.builder()
                    .replicas(2)
                    .quiet(true)
                    .epochs(2)
                    .resumeFrom(file)
                    .build()
                    .fit(
                        new TinyNetModel(DataType.FLOAT, 1), p -> new Sgd(p, 0.01, 0), rows, null));
    assertTrue(m.contains("OtherNet") && m.contains("TinyNet"), m);
    assertArrayEquals(before, Files.readAllBytes(file));
    String snapshot =
        message(
            IllegalArgumentException.class,
            () -> ModelSnapshot.of(other, null).restore(new TinyNetModel(DataType.FLOAT, 1), null));
    assertTrue(snapshot.startsWith("these weights are of network OtherNet"), snapshot);
  }

  @Test
  void aDivergingRunStopsOnEveryReplicaAndKeepsTheLastGoodCheckpoint(@TempDir Path dir)
      throws Exception {
    Dataset<Row> rows = SparkData.of(SPARK, SparkTests.bars(64, 2), 2);
    for (Strategy strategy : List.of(Strategy.synchronous(), Strategy.localSgd(2))) {
      Path run = dir.resolve(strategy.toString().replace(' ', '-'));
      Path file = run.resolve(Trainer.LAST_CHECKPOINT);
      List<Integer> saved = new ArrayList<>();
      byte[][] good = new byte[1][];
      // 4 steps an epoch: the weights turn infinite after step 5, in epoch 2.
      TrainingDivergedException e =
          assertThrows(
              TrainingDivergedException.class,
              () ->
                  SparkTrainer.builder()
                      .replicas(2)
                      .batchSize(16)
                      .epochs(3)
                      .strategy(strategy)
                      .quiet(true)
                      .checkpoint(run)
                      .listener(
                          r -> {
                            saved.add(r.epoch());
                            good[0] = read(file);
                          })
                      .build()
                      .fit(
                          new TinyNetModel(DataType.FLOAT, 1),
                          p ->
                              new HookedSgd(
                                  p,
                                  0.01,
                                  0,
                                  steps -> {
                                    if (steps > 5) {
                                      p.values().assign(Double.POSITIVE_INFINITY);
                                    }
                                  }),
                          rows,
                          null));
      assertEquals(2, e.epoch(), strategy + ": " + e.getMessage());
      assertEquals(List.of(1), saved, strategy.toString());
      assertArrayEquals(
          good[0], Files.readAllBytes(file), strategy + ": the last good checkpoint is intact");
      Checkpoint.load(file, new TinyNetModel(DataType.FLOAT, 1), null);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
