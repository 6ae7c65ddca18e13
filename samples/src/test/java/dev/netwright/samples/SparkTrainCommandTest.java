package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --spark} on an embedded local Spark, as a user would run it. */
class SparkTrainCommandTest {
  @Test
  void trainsOnLocalSparkWithPerEpochTestAccuracyAndACheckpoint(@TempDir Path dir) {
    CliRun r =
        CliRun.of(
            "train",
            "--spark=local[2]",
            "--limit",
            "3000",
            "--epochs",
            "2",
            "--local-sgd",
            "4",
            "--checkpoint-dir",
            dir.toString());
    assertEquals(0, r.status, r.toString());
    assertTrue(
        r.out.contains(
            "training SimpleNet on Spark (local[2]): 2 epochs of 47 steps of 64, local SGD k=4"
                + " over 2 replicas"),
        r.toString());
    assertTrue(
        r.out.matches("(?s).*epoch 2/2  loss [\\d.]+  train acc [\\d.]+%  test acc [\\d.]+%.*"),
        r.toString());
    assertTrue(
        r.out.matches(
            "(?s).*SimpleNet: test accuracy [\\d.]+% after 2 epochs on Spark \\(local\\[2]\\).*"),
        r.toString());
    assertTrue(Files.isRegularFile(dir.resolve("last.ckpt")));
  }

  @Test
  void sparkOptionsWithoutSparkAreRefused() {
    CliRun r = CliRun.of("train", "--local-sgd", "4", "--limit", "100");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains("--local-sgd and --replicas are for training on Spark: add --spark"),
        r.toString());
  }
}
