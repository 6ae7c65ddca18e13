package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate, predict, diagram, train's learning curves and checkpoints, run in-process as a user
 * would.
 */
class CommandsTest {
  private static final String DATA = Cli.FASHION_MNIST;
  private static final Pattern PROBABILITY_ROW =
      Pattern.compile("(?m)^(\\d+)( [^\\n]*?)?\\s+(\\d\\.\\d{4})  #*$");

  @Test
  void evaluatePrintsAccuracyTheConfusionMatrixAndEachClassAccuracy() {
    CliRun r = CliRun.of("evaluate", "--data", DATA, "--limit", "1000");
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("SimpleNet on 1,000 test images of " + DATA), r.toString());
    assertTrue(
        r.out.matches(
            "(?s).*\\ntrue \\\\ predicted\\s+0\\s+1\\s+2\\s+3\\s+4\\s+5\\s+6\\s+7\\s+8\\s+9"
                + "\\s+accuracy\\n.*"),
        r.toString());
    long cells = 0;
    Matcher row =
        Pattern.compile("(?m)^(\\d) [A-Za-z/ -]+?((?:\\s+\\d+){10})\\s+(\\d+\\.\\d%|-)$")
            .matcher(r.out);
    int rows = 0;
    while (row.find()) {
      rows++;
      cells += Arrays.stream(row.group(2).trim().split("\\s+")).mapToLong(Long::parseLong).sum();
    }
    assertEquals(10, rows, "a row per class, with its accuracy: " + r);
    assertEquals(1000, cells, "every image in the confusion matrix once: " + r);
    assertTrue(
        r.out.matches("(?s).*SimpleNet: test accuracy \\d+\\.\\d\\d%, [\\d,]+ images/s\\n"),
        r.toString());
  }

  @Test
  void predictGivesTheClassAndEveryProbabilityForAnIdxExample() {
    CliRun r = CliRun.of("predict", "--idx", DATA, "--index", "0");
    assertEquals(0, r.status, r.toString());
    assertTrue(
        r.out.contains("test example 0 of " + DATA + ", true class 9 Ankle boot"), r.toString());
    double[] p = probabilities(r);
    assertEquals(10, p.length, r.toString());
    assertEquals(1, Arrays.stream(p).sum(), 1e-3, r.toString());
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      best = p[c] > p[best] ? c : best;
    }
    assertTrue(r.out.contains(String.format("prediction: %d ", best)), r.toString());
  }

  @Test
  void anImageFileIsNormalisedLikeTraining(@TempDir Path dir) throws IOException {
    // Test example 3 of Fashion-MNIST saved as a PNG must score exactly as the example itself.
    Dataset test = IdxDirectory.test(Path.of(DATA), Normalization.MNIST);
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        float v = test.pixel(3, 0, y, x);
        int b = Math.round((v * Normalization.MNIST.std() + Normalization.MNIST.mean()) * 255);
        image.getRaster().setSample(x, y, 0, b);
      }
    }
    Path png = dir.resolve("example3.png");
    ImageIO.write(image, "png", png.toFile());

    CliRun fromFile = CliRun.of("predict", "--image", png.toString());
    CliRun fromIdx = CliRun.of("predict", "--idx", DATA, "--index", "3");
    assertEquals(0, fromFile.status, fromFile.toString());
    assertTrue(
        fromFile.out.contains("image " + png + " as 28x28 grey, normalised as MNIST"),
        fromFile.toString());
    assertArrayEquals(
        probabilities(fromIdx), probabilities(fromFile), 1e-4, fromFile + "\n" + fromIdx);
  }

  @Test
  void aLargerColourImageIsResizedAndGreyed(@TempDir Path dir) throws IOException {
    BufferedImage image = new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB);
    for (int y = 10; y < 50; y++) {
      for (int x = 30; x < 60; x++) {
        image.setRGB(x, y, 0xd0a070);
      }
    }
    Path jpeg = dir.resolve("shape.jpg");
    ImageIO.write(image, "jpeg", jpeg.toFile());
    CliRun r =
        CliRun.of("predict", "--image", jpeg.toString(), "--invert", "--class-names", "numbers");
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("as 28x28 grey, inverted, normalised as MNIST"), r.toString());
    assertEquals(1, Arrays.stream(probabilities(r)).sum(), 1e-3, r.toString());
    assertTrue(r.out.matches("(?s).*prediction: \\d, probability 0\\.\\d{4}\\n.*"), r.toString());
  }

  @Test
  void predictSaysWhatIsWrong(@TempDir Path dir) {
    CliRun missing = CliRun.of("predict", "--image", dir.resolve("none.png").toString());
    assertEquals(1, missing.status, missing.toString());
    assertTrue(missing.err.contains("none.png: no such image file"), missing.toString());
    CliRun outside = CliRun.of("predict", "--idx", DATA, "--index", "10000");
    assertEquals(1, outside.status, outside.toString());
    assertTrue(
        outside.err.contains("--index 10000 is outside the 10,000 examples"), outside.toString());
    CliRun neither = CliRun.of("predict");
    assertEquals(2, neither.status, neither.toString());
    assertTrue(neither.err.contains("Missing required argument"), neither.toString());
  }

  @Test
  void diagramDrawsSvgAndPngWithGraphviz(@TempDir Path dir) throws IOException {
    Path svg = dir.resolve("net.svg");
    CliRun r =
        CliRun.of(
            "diagram", "--network", "SimpleNet", "--format", "svg", "--output", svg.toString());
    assertEquals(0, r.status, r.toString());
    String text = Files.readString(svg);
    assertTrue(
        text.contains("<svg") && text.contains("conv2") && text.contains("[20, 4, 4]"), text);

    Path png = dir.resolve("net.png"); // the format from the extension
    assertEquals(0, CliRun.of("diagram", "--output", png.toString()).status);
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
  }

  @Test
  void diagramWithoutGraphvizSaysHowToGetIt(@TempDir Path dir) {
    CliRun r =
        CliRun.of(
            "diagram",
            "--format",
            "svg",
            "--dot",
            dir.resolve("no-dot").toString(),
            "--output",
            dir.resolve("net.svg").toString());
    assertEquals(1, r.status, r.toString());
    assertTrue(r.err.contains("sudo apt-get install graphviz"), r.toString());
    assertTrue(r.err.contains("--format dot"), r.toString());
  }

  @Test
  void trainWritesLearningCurvesThatPlot(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("curves.csv");
    CliRun r =
        CliRun.of(
            "train",
            "--data",
            DATA,
            "--limit",
            "256",
            "--epochs",
            "2",
            "--quiet",
            "--optimizer",
            "adam",
            "--curves",
            csv.toString());
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("Adam lr 0.001, batch 64, 2 epochs"), r.toString());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(Curves.HEADER, lines.get(0));
    assertEquals(3, lines.size(), lines.toString());
    for (int epoch = 1; epoch <= 2; epoch++) {
      double[] v =
          Arrays.stream(lines.get(epoch).split(",")).mapToDouble(Double::parseDouble).toArray();
      assertEquals(5, v.length, lines.get(epoch));
      assertEquals(epoch, v[0]);
      assertTrue(
          v[1] > 0 && v[2] >= 0 && v[2] <= 1 && v[3] >= 0 && v[3] <= 1 && v[4] > 0,
          lines.get(epoch));
    }
  }

  @Test
  void aCheckpointResumesTrainingAndServesEvaluateAndPredict(@TempDir Path dir) throws IOException {
    Path runs = dir.resolve("runs");
    Path csv = dir.resolve("curves.csv");
    Path checkpoint = runs.resolve("last.ckpt");
    String[] common = {
      "--data",
      DATA,
      "--limit",
      "1024",
      "--quiet",
      "--optimizer",
      "adam",
      "--checkpoint-dir",
      runs.toString(),
      "--curves",
      csv.toString()
    };
    CliRun first =
        CliRun.of(concat(new String[] {"train", "--epochs", "1", "--seed", "2"}, common));
    assertEquals(0, first.status, first.toString());
    assertTrue(first.out.contains("checkpoint: " + checkpoint), first.toString());

    CliRun more = CliRun.of(concat(new String[] {"train", "--epochs", "2", "--resume"}, common));
    assertEquals(0, more.status, more.toString());
    assertTrue(
        more.out.contains("resuming from " + checkpoint + ", saved after 1 epoch"),
        more.toString());
    assertTrue(more.out.contains("2 epochs, seed 2;"), "the checkpoint's seed: " + more);
    assertTrue(more.out.contains("after 2 epochs, "), more.toString());
    List<String> rows = Files.readAllLines(csv);
    assertEquals(
        List.of("epoch", "1", "2"),
        rows.stream().map(line -> line.split(",")[0]).toList(),
        "the resumed run continues the curves: " + rows);

    CliRun evaluate =
        CliRun.of(
            "evaluate", "--data", DATA, "--limit", "1000", "--checkpoint", checkpoint.toString());
    assertEquals(0, evaluate.status, evaluate.toString());
    assertTrue(
        evaluate.out.startsWith("SimpleNet: weights from " + checkpoint + ", after 2 epochs\n"),
        evaluate.toString());
    Matcher accuracy = Pattern.compile("test accuracy (\\d+\\.\\d\\d)%").matcher(evaluate.out);
    assertTrue(
        accuracy.find() && Double.parseDouble(accuracy.group(1)) > 40,
        "trained, not chance: " + evaluate);

    CliRun predict =
        CliRun.of("predict", "--idx", DATA, "--index", "0", "--checkpoint", checkpoint.toString());
    assertEquals(0, predict.status, predict.toString());
    assertEquals(1, Arrays.stream(probabilities(predict)).sum(), 1e-3, predict.toString());

    CliRun otherSeed =
        CliRun.of(
            concat(new String[] {"train", "--epochs", "3", "--resume", "--seed", "5"}, common));
    assertEquals(1, otherSeed.status, otherSeed.toString());
    assertTrue(
        otherSeed.err.contains("--seed 5 is not the seed of the run in " + checkpoint + " (2)"),
        otherSeed.toString());
  }

  @Test
  void resumeNeedsASavedRun(@TempDir Path dir) {
    CliRun r =
        CliRun.of(
            "train",
            "--data",
            DATA,
            "--resume",
            "--checkpoint-dir",
            dir.toString(),
            "--limit",
            "64");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains("nothing to resume: " + dir.resolve("last.ckpt") + " does not exist"),
        r.toString());
    CliRun missing = CliRun.of("evaluate", "--checkpoint", dir.resolve("none.ckpt").toString());
    assertEquals(1, missing.status, missing.toString());
    assertTrue(missing.err.contains("none.ckpt: no such checkpoint file"), missing.toString());
  }

  @Test
  void momentumIsSgdsOnly() {
    CliRun r =
        CliRun.of(
            "train", "--data", DATA, "--optimizer", "adam", "--momentum", "0.9", "--limit", "64");
    assertEquals(1, r.status, r.toString());
    assertTrue(r.err.contains("--momentum is SGD's"), r.toString());
  }

  @Test
  void everyCommandHasHelp() {
    for (String command :
        List.of("train", "evaluate", "predict", "diagram", "summary", "digits", "dense")) {
      CliRun r = CliRun.of(command, "--help");
      assertEquals(0, r.status, r.toString());
      assertTrue(r.out.startsWith("Usage: netwright " + command), r.toString());
    }
    String train = CliRun.of("train", "--help").out;
    for (String option :
        List.of(
            "--optimizer=sgd|adam",
            "--curves=FILE.csv",
            "--lr",
            "--momentum",
            "--limit",
            "--checkpoint-dir=DIR",
            "--resume")) {
      assertTrue(train.contains(option), option + " missing: " + train);
    }
    String predict = CliRun.of("predict", "--help").out;
    for (String option :
        List.of(
            "--image=FILE",
            "--idx=DIR",
            "--index=K",
            "--invert",
            "--class-names",
            "--checkpoint=FILE")) {
      assertTrue(predict.contains(option), option + " missing: " + predict);
    }
    assertTrue(CliRun.of("diagram", "--help").out.contains("--format=dot|svg|png"));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The probability column of predict's table, by class. */
  private static double[] probabilities(CliRun r) {
    List<Double> p = new ArrayList<>();
    Matcher m = PROBABILITY_ROW.matcher(r.out);
    while (m.find()) {
      assertEquals(p.size(), Integer.parseInt(m.group(1)), r.toString());
      p.add(Double.parseDouble(m.group(3)));
    }
    return p.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
