package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process with its output captured. */
class MainTest {
  @Test
  void summaryPrintsTheCompileTimeTable() {
    CliRun r = CliRun.of("summary", "--network", "SimpleNet");
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("conv2  Conv2d 10->20 5x5 s1 VALID"), r.toString());
    assertTrue(r.out.contains("Parameters: 8,490"), r.toString());
  }

  @Test
  void trainOnASubsetEndsWithAccuracyAndThroughput() {
    CliRun r = CliRun.of("train", "--limit", "2000", "--quiet", "--seed", "3");
    assertEquals(0, r.status, r.toString());
    assertTrue(
        r.out.contains("SGD lr 0.01, momentum 0.5, batch 64, 1 epoch, seed 3"), r.toString());
    assertTrue(
        r.out.matches(
            "(?s).*SimpleNet: test accuracy \\d+\\.\\d\\d% after 1 epoch, [\\d,]+ training images/s.*"),
        r.toString());
    assertTrue(r.out.contains("true \\ predicted"), "confusion matrix missing: " + r);
  }

  @Test
  void missingDataSaysHowToGetIt(@TempDir Path empty) {
    CliRun r = CliRun.of("train", "--data", empty.resolve("nowhere").toString());
    assertEquals(1, r.status, r.toString());
    assertTrue(r.err.contains("apt-get install dataset-fashion-mnist"), r.toString());
  }

  @Test
  void dataOfAnotherShapeNamesTheNetworksThatFit() {
    CliRun r = CliRun.of("evaluate", "--network", "LeNet5", "--limit", "10");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains(
            "LeNet5 takes [1, 32, 32] images (channels, height, width) but "
                + Cli.FASHION_MNIST
                + " holds [1, 28, 28] images"),
        r.toString());
  }

  @Test
  void unknownNetworkListsTheSamples() {
    CliRun r = CliRun.of("summary", "--network", "NoSuchNet");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains("no sample network 'NoSuchNet'; the samples are SimpleNet"), r.toString());
  }

  @Test
  void helpListsTheCommands() {
    CliRun r = CliRun.of("--help");
    assertEquals(0, r.status, r.toString());
    for (String command :
        new String[] {"train", "evaluate", "predict", "summary", "diagram", "digits", "dense"}) {
      assertTrue(r.out.contains("\n  " + command + " "), command + " missing: " + r);
    }
  }
}
