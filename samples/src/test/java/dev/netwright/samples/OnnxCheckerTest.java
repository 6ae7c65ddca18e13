package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The exports pass the ONNX package's own checker with full shape inference (Debian's python3-onnx
 * 1.12, of 2022: IR version 8 and opset 17 are what it reads). Needs python3-onnx (CI installs it):
 * fails, never skips, without it.
 */
class OnnxCheckerTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  @Test
  void everySampleAndTheCornerNetworksPassTheOnnxChecker() throws Exception {
    List<Model> models = new ArrayList<>();
    for (String name : Samples.names()) {
      if (!name.startsWith("VGG")
          && !name.equals("AlexNet")) { // the large ones add minutes, not operators
        models.add(Samples.create(name, 1));
      }
    }
    models.add(new OnnxEdgeNets_PaddedModel(DataType.FLOAT, 1));
    models.add(new OnnxEdgeNets_ThreeWayModel(DataType.FLOAT, 1));
    models.add(new TinyClassics_NormsModel(DataType.FLOAT, 1));
    models.add(new TinyClassics_RegressionModel(DataType.FLOAT, 1));
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
    for (Model m : models) {
      Path file = dir.resolve(m.name() + ".onnx");
      Onnx.export(file, m);
      command.add(file.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the ONNX checker did not finish");
    System.out.print(out);
    assertEquals(0, p.exitValue(), "the ONNX checker (python3-onnx) refused an export:\n" + out);
    assertEquals(
        models.size(),
        out.lines().filter(l -> l.startsWith("ok ") && l.contains(" ir 8 opset [17] ")).count(),
        out);
  }

  private static Path script() throws IOException {
    Path script =
        Path.of(System.getProperty("basedir", "."), "src", "test", "python", "check_onnx.py");
    assertTrue(Files.isRegularFile(script), "expected the checker at " + script.toAbsolutePath());
    return script;
  }
}
