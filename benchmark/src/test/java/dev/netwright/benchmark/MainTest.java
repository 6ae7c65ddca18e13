package dev.netwright.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A --quick run prints the header, one line per measurement with sane numbers, and the table. */
class MainTest {
  private static final Pattern CELL = Pattern.compile("(netwright|dl4j|jvm) ([-+]?[\\d,.]+) ");

  @Test
  void quickRunOfSimpleNetPrintsEveryMeasurementForNetwrightAndDl4j() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int status =
        Main.run(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            "--quick",
            "--networks",
            "simple",
            "--frameworks",
            "netwright,dl4j");
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, out + errBytes.toString(StandardCharsets.UTF_8));
    assertTrue(out.startsWith("netwright-benchmark "), out);
    assertTrue(out.contains("HAVE_ONEDNN"), "the oneDNN build must be the one loaded:\n" + out);
    assertTrue(out.contains("gemm peak: sgemm 512x512 FLOAT "), out);
    assertTrue(out.contains("6 x MULTIPLY_ADDS"), out);
    for (String metric :
        List.of("train", "infer64", "latency1", "heap/step", "rss", "rss-growth", "gflops")) {
      String line =
          out.lines()
              .filter(l -> l.matches("simple +" + Pattern.quote(metric) + " .*"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no line for " + metric + " in\n" + out));
      Matcher m = CELL.matcher(line);
      int cells = 0;
      while (m.find()) {
        double v = Double.parseDouble(m.group(2).replace(",", ""));
        assertTrue(Double.isFinite(v), line);
        assertTrue(metric.equals("rss-growth") || v > 0, line);
        cells++;
      }
      assertEquals(metric.equals("rss") ? 1 : 2, cells, line);
      if (!metric.startsWith("rss")) {
        assertTrue(line.matches(".*\\| dl4j .* \\(\\d[\\d.]*x\\)$"), "DL4J's ratio: " + line);
      }
    }
    assertTrue(out.contains("| network | metric | Netwright | DL4J | Netwright vs DL4J |"), out);
    assertTrue(out.contains("| simple | train |"), out);
  }

  @Test
  void onnxRuntimeRunsNetwrightsExportForInferenceBesideNetwright() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int status =
        Main.run(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            "--quick",
            "--networks",
            "resnet",
            "--frameworks",
            "netwright,onnxruntime",
            "--threads",
            "1");
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, out + errBytes.toString(StandardCharsets.UTF_8));
    assertTrue(out.contains("| ONNX Runtime 1."), out);
    assertTrue(
        out.contains(
            " CPU, 1 intra-op threads, all graph optimisations, on Netwright's exported file"),
        out);
    for (String metric : List.of("infer64", "latency1")) {
      String line =
          out.lines()
              .filter(l -> l.matches("resnet +" + Pattern.quote(metric) + " .*"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no line for " + metric + " in\n" + out));
      assertTrue(
          line.matches(
              "resnet +\\S+ +netwright [\\d,.]+ \\S+ \\| onnxruntime [\\d,.]+ \\S+ \\(\\d[\\d.]*x\\)"),
          line);
    }
    // Training is Netwright's alone: ONNX Runtime has no cell there.
    String train = out.lines().filter(l -> l.matches("resnet +train .*")).findFirst().orElseThrow();
    assertTrue(!train.contains("onnxruntime"), train);
    assertTrue(
        out.contains("| network | metric | Netwright | ONNX Runtime | Netwright vs ONNX Runtime |"),
        out);
    assertTrue(out.matches("(?s).*\\| resnet \\| train \\| [\\d,]+ img/s \\| – \\| – \\|.*"), out);
  }

  @Test
  void unknownNetworkIsAnErrorNamingTheChoices() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "--networks",
            "alexnet");
    assertEquals(1, status);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("no network 'alexnet'; choose from simple,inception,resnet,vgg"),
        err.toString(StandardCharsets.UTF_8));
  }
}
