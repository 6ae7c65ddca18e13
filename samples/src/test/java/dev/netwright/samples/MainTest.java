package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process with its output captured. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void summaryPrintsTheCompileTimeTable() {
    assertEquals(0, run("summary", "--network", "SimpleNet"));
    assertTrue(out().contains("conv2  Conv2d 10->20 5x5 s1 VALID"), out());
    assertTrue(out().contains("Parameters: 8,490"), out());
  }

  @Test
  void trainOnASubsetEndsWithAccuracyAndThroughput() {
    assertEquals(0, run("train", "--limit", "2000", "--quiet", "--seed", "3"), err.toString());
    assertTrue(out().matches("(?s).*SimpleNet: test accuracy \\d+\\.\\d\\d% after 1 epoch, [\\d,]+ training images/s.*"),
        out());
    assertTrue(out().contains("true \\ predicted"), "confusion matrix missing: " + out());
  }

  @Test
  void missingDataSaysHowToGetIt(@TempDir Path empty) {
    assertEquals(1, run("train", "--data", empty.resolve("nowhere").toString()));
    assertTrue(err.toString().contains("apt-get install dataset-fashion-mnist"), err.toString());
  }

  @Test
  void unknownNetworkListsTheSamples() {
    assertEquals(1, run("summary", "--network", "NoSuchNet"));
    assertTrue(err.toString().contains("no sample network 'NoSuchNet'; the samples are SimpleNet"),
        err.toString());
  }

  @Test
  void helpListsTheCommands() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("train") && out().contains("summary"), out());
  }
}
