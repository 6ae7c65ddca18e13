package dev.netwright.samples;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.spark.OptimizerFactory;
import dev.netwright.spark.SparkData;
import dev.netwright.spark.SparkTrainer;
import dev.netwright.spark.Strategy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code train --spark}: the same training on Spark, an embedded local one by default, or the
 * cluster {@code spark-submit} names. The data are read on the driver and become DataFrames; epochs
 * run as barrier jobs ({@link SparkTrainer}); the final evaluation runs on the driver.
 */
final class SparkRun {
  private SparkRun() {}

  /** Options of {@code train} that the Spark run reads. */
  record Options(
      String master,
      int epochs,
      int batchSize,
      long seed,
      int averagingPeriod,
      int replicas,
      Path checkpointDir,
      boolean resume,
      boolean quiet,
      TrainCommand.OptimizerKind optimizer,
      double learningRate,
      double momentum) {}

  static int train(
      Options o,
      Model model,
      Dataset train,
      Dataset test,
      Path data,
      Curves curves,
      PrintStream out)
      throws IOException {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName("netwright train " + model.name())
            .config("spark.ui.showConsoleProgress", "false");
    // Under spark-submit the master is set already; --spark without a value then keeps it.
    if (!o.master().isEmpty() || System.getProperty("spark.master") == null) {
      String master = o.master().isEmpty() ? "local[*]" : o.master();
      builder.master(master);
      if (master.startsWith("local")) {
        builder
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    SparkSession spark = builder.getOrCreate();
    try {
      int partitions = Math.max(2, spark.sparkContext().defaultParallelism());
      org.apache.spark.sql.Dataset<Row> trainRows = SparkData.of(spark, train, partitions);
      org.apache.spark.sql.Dataset<Row> testRows = SparkData.of(spark, test, partitions);
      SparkTrainer.Builder trainer =
          SparkTrainer.builder()
              .epochs(o.epochs())
              .batchSize(o.batchSize())
              .seed(o.seed())
              .replicas(o.replicas())
              .out(out)
              .quiet(o.quiet())
              .strategy(
                  o.averagingPeriod() == 0
                      ? Strategy.synchronous()
                      : Strategy.localSgd(o.averagingPeriod()));
      if (curves != null) {
        trainer.listener(curves::add);
      }
      if (!o.quiet()) {
        trainer.reports(out::println);
      }
      if (o.checkpointDir() != null) {
        trainer.checkpoint(o.checkpointDir());
        if (o.resume()) {
          trainer.resumeFrom(o.checkpointDir().resolve(Trainer.LAST_CHECKPOINT));
        }
      }
      List<EpochResult> history = trainer.build().fit(model, optimizer(o), trainRows, testRows);
      try (BatchLoader testLoader = new BatchLoader(test, 1000, false, o.seed(), DataType.FLOAT)) {
        Evaluation evaluation = Evaluation.of(model, testLoader);
        out.println(evaluation.format(Cli.classNames(data, model.classes())));
        out.printf(
            Locale.ROOT,
            "%s: test accuracy %.2f%% after %s on Spark (%s)%s%n",
            model.name(),
            100 * evaluation.accuracy(),
            Cli.count(o.epochs(), "epoch"),
            spark.sparkContext().master(),
            history.isEmpty()
                ? ""
                : String.format(
                    Locale.ROOT,
                    ", %,.0f training images/s",
                    history.get(history.size() - 1).imagesPerSecond()));
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Captures numbers only, so the factory travels to executors. */
  private static OptimizerFactory optimizer(Options o) {
    double lr = o.learningRate();
    double momentum = o.momentum();
    if (o.optimizer() == TrainCommand.OptimizerKind.ADAM) {
      return p -> Adam.builder(p, lr).build();
    }
    return p -> new Sgd(p, lr, momentum);
  }
}
