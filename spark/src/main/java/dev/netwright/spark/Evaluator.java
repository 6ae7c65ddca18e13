package dev.netwright.spark;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.Evaluation;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple3;

/**
 * The test set, collected to the driver once and checked as training data is, evaluated there after
 * each epoch with the runtime's {@link Evaluation}. Test sets are small next to training sets; for
 * millions of rows, score them with {@link SparkScorer} instead.
 */
final class Evaluator implements AutoCloseable {
  private final BatchLoader loader;

  private Evaluator(BatchLoader loader) {
    this.loader = loader;
  }

  static Evaluator of(
      Dataset<Row> rows,
      String imageColumn,
      String labelColumn,
      Model model,
      Normalization normalization) {
    ImageColumn images =
        ImageColumn.check(rows.schema(), imageColumn, model.inputShape(), normalization);
    TrainingData.checkLabel(rows.schema(), labelColumn);
    List<Tuple3<Row, Object, Integer>> collected =
        Failures.unwrap(() -> images.typed(rows, List.of(labelColumn)).collectAsList());
    int size = images.size();
    float[] pixels = new float[collected.size() * size];
    int[] labels = new int[collected.size()];
    int classes = model.classes();
    for (int i = 0; i < labels.length; i++) {
      Tuple3<Row, Object, Integer> row = collected.get(i);
      String where = "test row " + i;
      labels[i] = TrainingData.label(row._1(), 0, labelColumn, classes, where);
      images.read(row._2(), row._3(), where, pixels, i * size);
    }
    if (labels.length == 0) {
      throw new BadInputException("the test DataFrame has no rows");
    }
    int[] shape = model.inputShape();
    dev.netwright.runtime.data.Dataset test =
        dev.netwright.runtime.data.Dataset.of(
            shape[0], shape[1], shape[2], classes, pixels, labels);
    return new Evaluator(new BatchLoader(test, 1000, false, 0, model.dataType()));
  }

  /** Test accuracy of {@code model} as it is now; leaves it in inference mode. */
  double accuracy(Model model) {
    return Evaluation.of(model, loader).accuracy();
  }

  @Override
  public void close() {
    loader.close();
  }
}
