package dev.netwright.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A real standalone cluster on 127.0.0.1 (a Master and two one-core Workers as processes, their
 * executors as further processes): training there equals training on local[2] with the same seed,
 * scoring works, and an executor killed mid-epoch costs a retried epoch, not the weights or the
 * checkpoint. Runs in its own surefire fork (one SparkContext per JVM).
 */
class StandaloneClusterTest {
  private static final int EXAMPLES = 3_000; // 188 steps an epoch
  private static final int BATCH = 16;
  private static final int EPOCHS = 3;

  private static TinyNetModel train(
      SparkSession spark,
      Dataset data,
      Path checkpoints,
      List<EpochReport> reports,
      OptimizerFactory optimizer) {
    TinyNetModel net = new TinyNetModel(DataType.DOUBLE, 11);
    long start = System.nanoTime();
    SparkTrainer.builder()
        .epochs(EPOCHS)
        .batchSize(BATCH)
        .seed(5)
        .replicas(2)
        .quiet(true)
        .attempts(3)
        .timeoutMillis(30_000)
        .checkpoint(checkpoints)
        .reports(reports::add)
        .build()
        .fit(net, optimizer, SparkData.of(spark, data, 4), null);
    System.err.printf(
        "%s: %d epochs in %.1f s: %s%n",
        spark.sparkContext().master(), EPOCHS, (System.nanoTime() - start) / 1e9, reports);
    return net;
  }

  /**
   * The first replica to get here writes its process id to {@code marker} and sleeps until it is
   * killed; retries, and the other replica, find the marker and go on.
   */
  private static void pauseOnce(boolean now, String marker) {
    if (!now) {
      return;
    }
    try {
      Files.writeString(
          Files.createFile(Path.of(marker)), Long.toString(ProcessHandle.current().pid()));
      Thread.sleep(60_000);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // not the first: train on
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void trainsAndScoresOnSeparateExecutorsAndSurvivesAKilledExecutor(@TempDir Path dir)
      throws Exception {
    Dataset data = SparkTests.bars(EXAMPLES, 3);
    SparkSession local =
        SparkSession.builder()
            .master("local[2]")
            .appName("reference")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    INDArray reference;
    try {
      reference =
          train(local, data, dir.resolve("local"), new ArrayList<>(), p -> new Sgd(p, 0.02, 0.9))
              .parameters()
              .values()
              .dup();
    } finally {
      local.stop();
    }
    long driver = ManagementFactory.getRuntimeMXBean().getPid();
    try (StandaloneCluster cluster = StandaloneCluster.start(2, 1, "2g")) {
      SparkSession spark = cluster.session("netwright-cluster-test", 1);
      try {
        StandaloneCluster.awaitSlots(spark, 2, 60_000);
        List<EpochReport> reports = new ArrayList<>();
        TinyNetModel trained =
            train(spark, data, dir.resolve("cluster"), reports, p -> new Sgd(p, 0.02, 0.9));
        assertEquals(
            0,
            SynchronousTrainingTest.maxDifference(reference, trained.parameters().values()),
            1e-12,
            "the cluster trains as local mode does");
        List<String> workers = reports.get(0).workers();
        assertEquals(2, workers.size());
        assertNotEquals(workers.get(0), workers.get(1), "two executors");
        workers.forEach(w -> assertFalse(w.endsWith("pid " + driver), w + " is the driver"));
        List<Long> executorPids = cluster.executors().stream().map(ProcessHandle::pid).toList();
        workers.forEach(
            w ->
                assertTrue(
                    executorPids.contains(Long.parseLong(w.substring(w.lastIndexOf(' ') + 1))),
                    w + " is one of the Workers' executor processes " + executorPids));

        List<Row> scored =
            SparkScorer.of(trained)
                .score(SparkData.of(spark, SparkTests.bars(500, 9), 4))
                .collectAsList();
        long right =
            scored.stream()
                .filter(
                    r -> r.getInt(r.fieldIndex("prediction")) == r.getInt(r.fieldIndex("label")))
                .count();
        assertTrue(right > 450, right + " of 500 right");

        // One replica stops at step 100 of epoch 2 and names its process; it is killed there
        // (SIGKILL), mid-epoch, while its peer waits in the allreduce. The epoch runs again.
        String marker = dir.resolve("paused.pid").toString();
        AtomicReference<Throwable> killer = new AtomicReference<>();
        List<Long> killed = new ArrayList<>();
        Thread kill =
            new Thread(
                () -> {
                  try {
                    Path file = Path.of(marker);
                    long deadline = System.currentTimeMillis() + 120_000;
                    while (!Files.exists(file) || Files.readString(file).isEmpty()) {
                      if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("no replica paused within 2 minutes");
                      }
                      Thread.sleep(50);
                    }
                    long pid = Long.parseLong(Files.readString(file).strip());
                    killed.add(pid);
                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                  } catch (Throwable e) {
                    killer.set(e);
                  }
                });
        kill.setDaemon(true);
        kill.start();
        List<EpochReport> faulty = new ArrayList<>();
        Path checkpoints = dir.resolve("faulty");
        List<Long> before = cluster.executors().stream().map(ProcessHandle::pid).toList();
        TinyNetModel survived =
            train(
                spark,
                data,
                checkpoints,
                faulty,
                p -> new HookedSgd(p, 0.02, 0.9, steps -> pauseOnce(steps == 188 + 100, marker)));
        kill.join(10_000);
        assertEquals(null, killer.get());
        assertTrue(
            before.contains(killed.get(0)),
            "the killed process " + killed + " was an executor " + before);
        assertEquals(
            List.of(1, 2, 1),
            faulty.stream().map(EpochReport::attempt).toList(),
            "epoch 2 ran twice");
        assertEquals(
            0,
            SynchronousTrainingTest.maxDifference(reference, survived.parameters().values()),
            1e-12,
            "the retried run ends with the same weights");
        TinyNetModel loaded = new TinyNetModel(DataType.DOUBLE, 0);
        assertEquals(
            EPOCHS,
            Checkpoint.load(checkpoints.resolve(Trainer.LAST_CHECKPOINT), loaded, null).epoch());
        assertEquals(
            0,
            SynchronousTrainingTest.maxDifference(reference, loaded.parameters().values()),
            1e-12);
      } finally {
        spark.stop();
      }
    }
  }
}
