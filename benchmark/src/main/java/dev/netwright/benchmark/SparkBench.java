package dev.netwright.benchmark;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.samples.ResNetModel;
import dev.netwright.samples.SimpleNetModel;
import dev.netwright.spark.EpochReport;
import dev.netwright.spark.SparkData;
import dev.netwright.spark.SparkScorer;
import dev.netwright.spark.SparkTrainer;
import dev.netwright.spark.StandaloneCluster;
import dev.netwright.spark.Strategy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Netwright on Spark against one machine: training images/s of the single-machine trainer, of Spark
 * local with 1 and 2 tasks and of a standalone cluster of two one-core executors, for SimpleNet and
 * ResNet, synchronous and local SGD; bytes moved per step; scoring images/s; then the scaling model
 * fitted to it ({@link ScalingModel}).
 */
@Command(
    name = "spark-benchmark",
    mixinStandardHelpOptions = true,
    description = "Measure data-parallel training and scoring on Spark against one machine.")
public final class SparkBench implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "IDX directory.")
  Path data;

  @Option(
      names = "--images",
      defaultValue = "12800",
      description = "Training images per run (default 12,800).")
  int images;

  @Option(
      names = "--epochs",
      defaultValue = "2",
      description = "Epochs per run; the last is measured (the first warms up JIT and natives).")
  int epochs;

  @Option(
      names = "--score-copies",
      defaultValue = "10",
      description =
          "Scoring reads the 10,000 test images this many times (default 10: 100,000 rows), so that"
              + " a Spark job's fixed cost does not decide the rate.")
  int scoreCopies;

  @Option(
      names = "--score-batch",
      defaultValue = "128",
      description = "Images per forward pass in scoring (default 128, SparkScorer's).")
  int scoreBatch;

  @Option(names = "--scoring-only", description = "Measure scoring alone, no training rows.")
  boolean scoringOnly;

  private final PrintStream out = System.out;
  private final List<String> rows = new ArrayList<>();

  /** Runs the benchmark. */
  public static void main(String[] args) {
    System.setProperty("org.nd4j.log.initialization", "false");
    // slf4j-simple logs everything at INFO; Spark's hundreds of lines would bury the table.
    for (String noisy :
        List.of("org.apache.spark", "org.apache.hadoop", "org.sparkproject", "io.netty")) {
      System.setProperty("org.slf4j.simpleLogger.log." + noisy, "error");
    }
    System.exit(new CommandLine(new SparkBench()).execute(args));
  }

  private record Net(String name, LongFunction<Model> make) {}

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    out.printf(
        Locale.ROOT,
        "netwright spark-benchmark %s | %s | %d cores | %,d Fashion-MNIST images x %d epochs,"
            + " the last measured | batch 64, SGD lr 0.01 momentum 0.5%n",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
        Machine.cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        images,
        epochs);
    Dataset train = IdxDirectory.train(data, Normalization.MNIST).head(images);
    Dataset test = IdxDirectory.test(data, Normalization.MNIST);
    List<Net> nets =
        List.of(
            new Net("SimpleNet", s -> new SimpleNetModel(DataType.FLOAT, s)),
            new Net("ResNet", s -> new ResNetModel(DataType.FLOAT, s)));
    ScalingModel scaling = new ScalingModel();
    row(
        "| setup | network | strategy | train img/s | epoch img/s with Spark job | bytes sent/step | allreduce ms/step |");
    row("|---|---|---|---:|---:|---:|---:|");
    for (Net net : scoringOnly ? List.<Net>of() : nets) {
      double alone = alone(net, train);
      scaling.compute(net.name(), 64 / alone); // seconds per global batch on one machine
      row(
          String.format(
              Locale.ROOT,
              "| Trainer, 1 machine (2 threads) | %s | - | %,.0f | - | - | - |",
              net.name(),
              alone));
    }
    if (!scoringOnly) {
      scaling.allreduce(RingBench.measure());
    }
    scoreAndTrain("local[1]", 1, nets, train, test, scaling, null);
    scoreAndTrain("local[2]", 2, nets, train, test, scaling, null);
    try (StandaloneCluster cluster = StandaloneCluster.start(2, 1, "2g")) {
      scoreAndTrain(cluster.url(), 2, nets, train, test, scaling, cluster);
    }
    out.println();
    rows.forEach(out::println);
    out.println();
    if (!scoringOnly) {
      scaling.print(out);
    }
    out.printf(Locale.ROOT, "total %.1f minutes%n", (System.nanoTime() - start) / 60e9);
    return 0;
  }

  private void row(String line) {
    rows.add(line);
    out.println(line);
  }

  private double alone(Net net, Dataset train) {
    Model model = net.make().apply(0);
    try (BatchLoader loader = new BatchLoader(train, 64, true, 0, DataType.FLOAT)) {
      List<EpochResult> r =
          Trainer.builder()
              .epochs(epochs)
              .quiet(true)
              .build()
              .fit(model, new Sgd(model.parameters(), 0.01, 0.5), loader);
      return r.get(r.size() - 1).imagesPerSecond();
    }
  }

  private void scoreAndTrain(
      String master,
      int replicas,
      List<Net> nets,
      Dataset train,
      Dataset test,
      ScalingModel scaling,
      StandaloneCluster cluster) {
    SparkSession spark =
        cluster != null
            ? cluster.session("netwright-spark-benchmark", 1)
            : SparkSession.builder()
                .master(master)
                .appName("netwright-spark-benchmark")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
    try {
      if (cluster != null) {
        StandaloneCluster.awaitSlots(spark, replicas, 120_000);
      }
      String setup = cluster != null ? "standalone, 2 one-core executors" : "Spark " + master;
      org.apache.spark.sql.Dataset<Row> rows =
          SparkData.of(spark, train, Math.max(2, replicas)).cache();
      rows.count();
      List<Strategy> strategies =
          scoringOnly
              ? List.of()
              : replicas == 1
                  ? List.of(Strategy.synchronous())
                  : List.of(
                      Strategy.synchronous(),
                      Strategy.localSgd(1),
                      Strategy.localSgd(8),
                      Strategy.localSgd(32));
      for (Net net : nets) {
        for (Strategy strategy : strategies) {
          List<EpochReport> reports = new ArrayList<>();
          SparkTrainer.builder()
              .epochs(epochs)
              .batchSize(64)
              .replicas(replicas)
              .strategy(strategy)
              .quiet(true)
              .reports(reports::add)
              .build()
              .fit(net.make().apply(0), p -> new Sgd(p, 0.01, 0.5), rows, null);
          EpochReport r = reports.get(reports.size() - 1);
          double trainRate = r.images() / (r.replicaNanos() / 1e9);
          row(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %,.0f | %,.0f | %,d | %.2f |",
                  setup,
                  net.name(),
                  replicas == 1 ? "1 task" : strategy,
                  trainRate,
                  r.images() / (r.nanos() / 1e9),
                  r.bytesSent() / r.steps(),
                  r.allreduceNanos() / 1e6 / r.steps()));
          if (cluster == null && strategy.isSynchronous()) {
            scaling.measured(net.name(), replicas, r.replicaNanos() / 1e9 / r.steps());
          }
        }
        scoring(setup, net, spark, test, Math.max(2, replicas));
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Scores the test images, {@link #scoreCopies} times over, as a job writing to Spark's {@code
   * noop} sink (every output row is produced, nothing is collected), best of two timed rounds after
   * one warm-up; single-machine inference reads the same images as often.
   */
  private void scoring(String setup, Net net, SparkSession spark, Dataset test, int partitions) {
    Model model = net.make().apply(0);
    org.apache.spark.sql.Dataset<Row> once = SparkData.of(spark, test, partitions);
    org.apache.spark.sql.Dataset<Row> rows = once;
    for (int i = 1; i < scoreCopies; i++) {
      rows = rows.union(once);
    }
    rows = rows.repartition(partitions).cache();
    long n = rows.count();
    SparkScorer scorer = SparkScorer.of(model).batchSize(scoreBatch);
    double sparkRate = 0;
    for (int round = 0;
        round < 3;
        round++) { // the first warms up JIT and natives on every executor
      long t0 = System.nanoTime();
      scorer.score(rows).write().format("noop").mode("overwrite").save();
      double rate = n / ((System.nanoTime() - t0) / 1e9);
      sparkRate = round == 0 ? 0 : Math.max(sparkRate, rate);
    }
    double alone = inference(model, test, scoreCopies);
    row(
        String.format(
            Locale.ROOT,
            "| %s | %s | scoring %,d rows | %,.0f (1 machine: %,.0f, %.0f%%) | - | - | - |",
            setup,
            net.name(),
            n,
            sparkRate,
            alone,
            100 * sparkRate / alone));
    rows.unpersist();
  }

  /**
   * Single-machine inference images/s over the test set read {@code copies} times, batch 256, two
   * threads; best of two rounds after one warm-up.
   */
  private static double inference(Model model, Dataset test, int copies) {
    model.setTraining(false);
    double best = 0;
    try (BatchLoader loader = new BatchLoader(test, 256, false, 0, DataType.FLOAT)) {
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        long n = 0;
        for (int copy = 0; copy < copies; copy++) {
          loader.reset();
          while (loader.hasNext()) {
            INDArray x = loader.next().features();
            model.forward(x);
            n += x.size(0);
          }
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        best = round == 0 ? 0 : Math.max(best, rate);
      }
    }
    return best;
  }

  static {
    Nd4j.getEnvironment(); // load the backend before Spark's threads start
  }
}
