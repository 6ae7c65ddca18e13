package dev.netwright.spark;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A DataFrame of images and labels, checked against a network and converted once into indexed
 * examples kept by Spark (memory, spilling to disk); each epoch deals them to the replicas.
 */
final class TrainingData {
  private final JavaPairRDD<Long, Example> examples;
  private final long count;

  private TrainingData(JavaPairRDD<Long, Example> examples, long count) {
    this.examples = examples;
    this.count = count;
  }

  /**
   * Checks the columns on the driver (no job), then converts and counts every row in one job, so a
   * bad row fails here, naming it, before any training.
   *
   * @throws BadInputException for a missing or mistyped column, a wrong shape, a null image, a
   *     label out of range or an unreadable image
   */
  static TrainingData of(
      Dataset<Row> rows,
      String imageColumn,
      String labelColumn,
      Model model,
      Normalization normalization) {
    ImageColumn images =
        ImageColumn.check(rows.schema(), imageColumn, model.inputShape(), normalization);
    checkLabel(rows.schema(), labelColumn);
    int classes = model.classes();
    boolean named =
        Arrays.asList(rows.schema().fieldNames()).contains("path"); // binaryFile's source column
    JavaPairRDD<Long, Example> examples =
        images
            .typed(rows, named ? List.of(labelColumn, "path") : List.of(labelColumn))
            .javaRDD()
            .zipWithIndex()
            .mapToPair(
                t -> {
                  Row kept = t._1()._1();
                  long index = t._2();
                  String where = named && !kept.isNullAt(1) ? kept.getString(1) : "row " + index;
                  int label = label(kept, 0, labelColumn, classes, where);
                  float[] pixels = new float[images.size()];
                  images.read(t._1()._2(), t._1()._3(), where, pixels, 0);
                  return new Tuple2<>(index, new Example(pixels, label));
                })
            .persist(StorageLevel.MEMORY_AND_DISK());
    long count = Failures.unwrap(examples::count);
    if (count == 0) {
      throw new BadInputException("the training DataFrame has no rows");
    }
    return new TrainingData(examples, count);
  }

  static void checkLabel(StructType schema, String labelColumn) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(labelColumn)) {
      throw new BadInputException(
          "there is no label column '" + labelColumn + "'; the columns are " + names);
    }
    DataType type = schema.apply(labelColumn).dataType();
    if (!List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType, DataTypes.ByteType)
        .contains(type)) {
      throw new BadInputException(
          "label column '"
              + labelColumn
              + "' is "
              + type.simpleString()
              + "; expected an integer class index (int, bigint, smallint or tinyint)");
    }
  }

  /** The class in field {@code field} of {@code row}, checked against the network's classes. */
  static int label(Row row, int field, String column, int classes, String where) {
    if (row.isNullAt(field)) {
      throw new BadInputException("label column '" + column + "' is null in " + where);
    }
    long label = ((Number) row.get(field)).longValue();
    if (label < 0 || label >= classes) {
      throw new BadInputException(
          "label column '"
              + column
              + "' holds "
              + label
              + " in "
              + where
              + "; the network has "
              + classes
              + " classes, so labels run from 0 to "
              + (classes - 1));
    }
    return (int) label;
  }

  /** Number of examples. */
  long count() {
    return count;
  }

  /**
   * The examples keyed by their position in epoch {@code epoch}'s order (the order a shuffling
   * {@link BatchLoader} with {@code seed} serves), dealt to replicas by {@code plan} and sorted.
   */
  JavaPairRDD<Long, Example> epoch(long seed, int epoch, EpochPlan plan) {
    int n = Math.toIntExact(count);
    JavaPairRDD<Long, Example> positioned =
        examples.mapPartitionsToPair(
            it -> {
              int[] order = BatchLoader.order(n, seed, epoch);
              int[] position = new int[n];
              for (int p = 0; p < n; p++) {
                position[order[p]] = p;
              }
              return positioned(it, position);
            });
    return positioned.repartitionAndSortWithinPartitions(new SharePartitioner(plan));
  }

  /** The examples keyed by their positions, streamed: a partition is never held whole. */
  private static Iterator<Tuple2<Long, Example>> positioned(
      Iterator<Tuple2<Long, Example>> examples, int[] position) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return examples.hasNext();
      }

      @Override
      public Tuple2<Long, Example> next() {
        Tuple2<Long, Example> t = examples.next();
        return new Tuple2<>((long) position[Math.toIntExact(t._1())], t._2());
      }
    };
  }

  /** Frees the cached examples. */
  void release() {
    examples.unpersist(false);
  }
}
