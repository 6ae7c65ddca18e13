package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.runtime.data.Batch;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** export, and the commands on a network named by its class, run in-process as a user would. */
class ExportCommandTest {
  private static final String DATA = Cli.FASHION_MNIST;
  private static final String PADDED = "dev.netwright.samples.OnnxEdgeNets.Padded";

  @TempDir Path dir;

  @Test
  void onnxRuntimeScoresATrainedSimpleNetAsEvaluateDoes() throws Exception {
    CliRun train =
        CliRun.of(
            "train",
            "--data",
            DATA,
            "--limit",
            "6000",
            "--quiet",
            "--checkpoint-dir",
            dir.toString());
    assertEquals(0, train.status, train.toString());
    String checkpoint = dir.resolve("last.ckpt").toString();
    CliRun evaluate = CliRun.of("evaluate", "--data", DATA, "--checkpoint", checkpoint);
    assertEquals(0, evaluate.status, evaluate.toString());
    Matcher m = Pattern.compile("SimpleNet: test accuracy (\\d+\\.\\d\\d)%").matcher(evaluate.out);
    assertTrue(m.find(), evaluate.toString());
    Path file = dir.resolve("simplenet.onnx");
    CliRun export =
        CliRun.of("export", "--checkpoint", checkpoint, "--format", "onnx", "-o", file.toString());
    assertEquals(0, export.status, export.toString());
    assertTrue(
        export.out.contains(
            "SimpleNet: wrote "
                + file
                + " (ONNX IR 8, opset 17, 9 nodes, outputs logits and"
                + " probabilities"),
        export.toString());

    Dataset test = IdxDirectory.test(Path.of(DATA), Normalization.MNIST);
    long correct = 0;
    try (OrtRunner ort = new OrtRunner(file);
        BatchLoader batches = new BatchLoader(test, 1000, false, 0, DataType.FLOAT)) {
      while (batches.hasNext()) {
        Batch b = batches.next();
        INDArray predicted = ort.run(b.features()).get("probabilities").argMax(1);
        int[] truth = b.classes();
        for (int i = 0; i < b.size(); i++) {
          correct += predicted.getInt(i) == truth[i] ? 1 : 0;
        }
      }
    }
    assertEquals(m.group(1), String.format(Locale.ROOT, "%.2f", 100.0 * correct / test.size()));
  }

  @Test
  void npzHoldsTheStateDict() throws Exception {
    Path file = dir.resolve("resnet.npz");
    CliRun r =
        CliRun.of("export", "--network", "ResNet", "--format", "npz", "--output", file.toString());
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("ResNet: untrained, weights initialised from seed 0"), r.toString());
    assertTrue(r.out.contains("(state_dict, 41,514 parameters"), r.toString());
    assertTrue(Npz.read(file).containsKey("conv1.weight"));
  }

  @Test
  void aNetworkIsNamedByItsInterfaceOrItsGeneratedClass() throws Exception {
    for (String name : new String[] {PADDED, "dev.netwright.samples.OnnxEdgeNets_PaddedModel"}) {
      CliRun summary = CliRun.of("summary", "--network", name);
      assertEquals(0, summary.status, summary.toString());
      assertEquals(OnnxEdgeNets_PaddedModel.SUMMARY, summary.out);
    }
    Path file = dir.resolve("padded.onnx");
    CliRun export = CliRun.of("export", "--network", PADDED, "-o", file.toString());
    assertEquals(0, export.status, export.toString());
    assertTrue(Files.size(file) > 0);
  }

  @Test
  void theDataShapeIsCheckedBeforeTrainingStarts() {
    CliRun r =
        CliRun.of("train", "--network", PADDED, "--data", DATA, "--checkpoint-dir", dir.toString());
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains(
            "error: Padded takes [3, 8, 8] images (channels, height, width) but "
                + DATA
                + " holds [1, 28, 28] images"),
        r.toString());
    assertFalse(r.out.contains("epoch"), r.toString());
    assertFalse(Files.exists(dir.resolve("last.ckpt")));
  }

  /** Fashion-MNIST's image shape, but five classes where the data has ten. */
  @Network(input = @Input(channels = 1, height = 28, width = 28), classes = 5)
  interface FiveClasses {
    @Dense(5)
    Node fc();
  }

  @Test
  void labelsPastTheNetworksClassesAreNamedBeforeTrainingStarts() {
    CliRun r =
        CliRun.of(
            "train",
            "--network",
            "dev.netwright.samples.ExportCommandTest.FiveClasses",
            "--data",
            DATA);
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.contains(
            "is outside [0, 5); expected class indices 0 to 4: is classes = 5 right for this data"
                + " set? (FiveClasses scores 5 classes; the labels run up to 9)"),
        r.toString());
  }

  @Test
  void aMissingOrWrongClassIsNamed() {
    CliRun missing = CliRun.of("summary", "--network", "com.example.Missing");
    assertEquals(1, missing.status, missing.toString());
    assertTrue(
        missing.err.contains("no class com.example.Missing on the class path"), missing.toString());
    CliRun notNetwork = CliRun.of("summary", "--network", "java.lang.String");
    assertEquals(1, notNetwork.status, notNetwork.toString());
    assertTrue(notNetwork.err.contains("java.lang.String is not a network"), notNetwork.toString());
    for (String sample : Set.of("SimpleNet", "simplenet")) {
      assertEquals(0, CliRun.of("summary", "--network", sample).status);
    }
  }
}
