package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Distributed training on local[2] against single-machine training on the same global batches:
 * synchronous SGD with momentum equals it in DOUBLE, local SGD with k = 1 equals synchronous, and a
 * Spark checkpoint resumes in the single-machine trainer.
 */
class SynchronousTrainingTest {
  // 200 examples in batches of 32: six full steps and a last one of 8, split 4 + 4.
  private static final int EXAMPLES = 200;
  private static final int BATCH = 32;
  private static final long SEED = 7;
  private static final double LR = 0.05;
  private static final double MOMENTUM = 0.9;

  private static Dataset data;
  private static org.apache.spark.sql.Dataset<Row> rows;

  @BeforeAll
  static void data() {
    data = SparkTests.bars(EXAMPLES, 1);
    rows = SparkData.of(SparkTests.spark(), data, 3);
  }

  private static Sgd sgd(Model m) {
    return new Sgd(m.parameters(), LR, MOMENTUM);
  }

  private static TinyNetModel trainedAlone(int epochs) {
    TinyNetModel net = new TinyNetModel(DataType.DOUBLE, 3);
    try (BatchLoader loader = new BatchLoader(data, BATCH, true, SEED, DataType.DOUBLE)) {
      Trainer.builder().epochs(epochs).quiet(true).build().fit(net, sgd(net), loader);
    }
    return net;
  }

  private static TinyNetModel trainedOnSpark(
      int epochs, Strategy strategy, List<EpochReport> reports) {
    TinyNetModel net = new TinyNetModel(DataType.DOUBLE, 3);
    SparkTrainer.builder()
        .epochs(epochs)
        .batchSize(BATCH)
        .seed(SEED)
        .replicas(2)
        .strategy(strategy)
        .quiet(true)
        .reports(reports::add)
        .build()
        .fit(net, p -> new Sgd(p, LR, MOMENTUM), rows, null);
    return net;
  }

  static double maxDifference(INDArray a, INDArray b) {
    assertEquals(a.length(), b.length());
    double max = 0;
    for (long i = 0; i < a.length(); i++) {
      max = Math.max(max, Math.abs(a.getDouble(i) - b.getDouble(i)));
    }
    return max;
  }

  @Test
  void synchronousSgdWithMomentumEqualsSingleMachineTrainingWithTheGlobalBatch() {
    TinyNetModel alone = trainedAlone(3);
    List<EpochReport> reports = new ArrayList<>();
    TinyNetModel spark = trainedOnSpark(3, Strategy.synchronous(), reports);
    double difference = maxDifference(alone.parameters().values(), spark.parameters().values());
    assertTrue(
        difference <= 1e-9,
        "largest parameter difference after 3 epochs of 7 steps: " + difference);
    assertTrue(
        maxDifference(
                alone.parameters().values(),
                new TinyNetModel(DataType.DOUBLE, 3).parameters().values())
            > 1e-3,
        "training moved the weights");
    assertEquals(3, reports.size());
    assertEquals(2, reports.get(0).replicas());
    assertEquals(EXAMPLES, reports.get(0).images());
    assertTrue(reports.get(0).bytesSent() > 0, "the replicas exchanged gradients");
  }

  @Test
  void localSgdWithOneStepBetweenAveragesEqualsSynchronous() {
    TinyNetModel sync = trainedOnSpark(2, Strategy.synchronous(), new ArrayList<>());
    TinyNetModel local = trainedOnSpark(2, Strategy.localSgd(1), new ArrayList<>());
    double difference = maxDifference(sync.parameters().values(), local.parameters().values());
    assertTrue(difference <= 1e-9, "largest parameter difference: " + difference);
  }

  @Test
  void localSgdWithLongerPeriodsStillLearns() {
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 3);
    List<EpochResult> history =
        SparkTrainer.builder()
            .epochs(3)
            .batchSize(BATCH)
            .seed(SEED)
            .replicas(2)
            .strategy(Strategy.localSgd(4))
            .quiet(true)
            .build()
            .fit(net, p -> new Sgd(p, LR, MOMENTUM), rows, rows);
    assertTrue(history.get(2).testAccuracy().getAsDouble() > 0.9, "accuracy " + history);
  }

  @Test
  void aSparkCheckpointResumesInTheSingleMachineTrainer(@TempDir Path dir) {
    TinyNetModel first = new TinyNetModel(DataType.DOUBLE, 3);
    SparkTrainer.builder()
        .epochs(1)
        .batchSize(BATCH)
        .seed(SEED)
        .replicas(2)
        .quiet(true)
        .checkpoint(dir)
        .build()
        .fit(first, p -> new Sgd(p, LR, MOMENTUM), rows, null);
    TinyNetModel resumed = new TinyNetModel(DataType.DOUBLE, 99);
    try (BatchLoader loader = new BatchLoader(data, BATCH, true, SEED, DataType.DOUBLE)) {
      Trainer.builder()
          .epochs(2)
          .quiet(true)
          .resumeFrom(dir.resolve(Trainer.LAST_CHECKPOINT))
          .build()
          .fit(resumed, sgd(resumed), loader);
    }
    double difference =
        maxDifference(trainedAlone(2).parameters().values(), resumed.parameters().values());
    assertTrue(difference <= 1e-9, "largest parameter difference: " + difference);
  }
}
