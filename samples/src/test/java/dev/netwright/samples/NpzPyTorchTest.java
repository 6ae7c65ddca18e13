package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netwright.runtime.io.Npy;
import dev.netwright.runtime.io.Npz;
import dev.netwright.runtime.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SimpleNet and ResNet exported to .npz run in PyTorch (the lecture's modules, in
 * src/test/python/compare_npz.py) and give the outputs our generated networks give; PyTorch's
 * state_dict written back as float64 imports into fresh networks exactly. Needs Debian's
 * python3-torch (CI installs it): fails, never skips, without it.
 */
class NpzPyTorchTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  @Test
  void pytorchLoadsOurExportsStrictlyAndComputesTheSameOutputs() throws Exception {
    List<Model> models =
        List.of(new SimpleNetModel(DataType.FLOAT, 3), new ResNetModel(DataType.FLOAT, 3));
    List<String> torchNames = List.of("simple", "resnet");
    INDArray input = input(6);
    Path inputFile = dir.resolve("input.npy");
    Npy.write(inputFile, input);
    List<String> command =
        new ArrayList<>(List.of(PYTHON.toString(), script().toString(), inputFile.toString()));
    for (int i = 0; i < models.size(); i++) {
      Path weights = dir.resolve(torchNames.get(i) + ".npz");
      Npz.export(weights, models.get(i));
      command.addAll(
          List.of(
              torchNames.get(i),
              weights.toString(),
              dir.resolve(torchNames.get(i) + ".out.npy").toString()));
    }
    run(command);

    for (int i = 0; i < models.size(); i++) {
      Model model = models.get(i);
      String name = torchNames.get(i);
      model.setTraining(false);
      INDArray ours = model.forward(input).dup();
      INDArray theirs = Npy.read(dir.resolve(name + ".out.npy"));
      assertArrayEquals(ours.shape(), theirs.shape(), name);
      double difference = ours.sub(theirs).amaxNumber().doubleValue();
      assertTrue(difference < TOLERANCE, model.name() + ": max |ours - PyTorch's| = " + difference);
      assertTrue(ours.amaxNumber().doubleValue() > 0.01, "outputs worth comparing: " + ours);

      // PyTorch's own state_dict, float64 from np.savez, into a fresh FLOAT network: every value
      // back exactly.
      Model fresh =
          name.equals("simple")
              ? new SimpleNetModel(DataType.FLOAT, 8)
              : new ResNetModel(DataType.FLOAT, 8);
      Npz.importInto(dir.resolve(name + ".torch.npz"), fresh);
      assertEquals(
          DataType.DOUBLE, Npz.read(dir.resolve(name + ".torch.npz")).get("fc.weight").dataType());
      assertArrayEquals(
          model.parameters().values().toFloatVector(),
          fresh.parameters().values().toFloatVector(),
          model.name());
    }
  }

  /** N Fashion-MNIST-sized images of normalised noise, [N, 1, 28, 28]. */
  private static INDArray input(int n) {
    SplittableRandom random = new SplittableRandom(17);
    float[] pixels = new float[n * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    return Nd4j.createFromArray(pixels).reshape(n, 1, 28, 28);
  }

  private static Path script() {
    Path script =
        Path.of(System.getProperty("basedir", "."), "src", "test", "python", "compare_npz.py");
    assertTrue(
        Files.isRegularFile(script), "expected the PyTorch side at " + script.toAbsolutePath());
    return script;
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail(
          PYTHON
              + " is missing: this test runs our exports in PyTorch; sudo apt-get install python3 python3-torch");
    }
    Path log = dir.resolve("python.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(
          "compare_npz.py did not finish in 120 s:\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    if (process.exitValue() == 3) {
      fail(
          "PyTorch is missing for "
              + PYTHON
              + ": sudo apt-get install python3-torch (CI installs it)\n"
              + text);
    }
    assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + text);
  }
}
