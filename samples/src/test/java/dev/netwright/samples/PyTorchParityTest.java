package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netwright.runtime.io.Npy;
import dev.netwright.runtime.io.Npz;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GroupedNet's group norms, depthwise and grouped convolutions against PyTorch's nn.GroupNorm and
 * nn.Conv2d(groups=...): its .npz export loads strictly into the same module
 * (src/test/python/parity.py), and the output, the loss and every parameter's gradient agree with
 * PyTorch's in float64: to 1e-10 from a DOUBLE network, to 1e-4 from a FLOAT one. Needs Debian's
 * python3-torch (CI installs it): fails, never skips, without it.
 */
class PyTorchParityTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  @Test
  void groupedNetInDoubleComputesWhatPyTorchComputes() throws Exception {
    compare("grouped", new GroupedNetModel(DataType.DOUBLE, 3), 1e-10);
  }

  @Test
  void groupedNetInFloatComputesWhatPyTorchComputes() throws Exception {
    compare("grouped", new GroupedNetModel(DataType.FLOAT, 3), 1e-4);
  }

  /**
   * Runs {@code model} and PyTorch's {@code network} on one batch; each result within {@code
   * tolerance}.
   */
  private void compare(String network, Model model, double tolerance) throws Exception {
    INDArray x = input(model, 6);
    INDArray labels = GradientCheck.labels(model, 6, 11).castTo(model.dataType());
    Path weights = dir.resolve(network + ".npz");
    Path result = dir.resolve(network + ".result.npz");
    Npz.export(weights, model);
    Npy.write(dir.resolve("input.npy"), x);
    Npy.write(dir.resolve("labels.npy"), labels);
    run(
        List.of(
            PYTHON.toString(),
            script().toString(),
            network,
            weights.toString(),
            dir.resolve("input.npy").toString(),
            dir.resolve("labels.npy").toString(),
            result.toString()));
    Map<String, INDArray> theirs = Npz.read(result);

    INDArray output = model.forward(x).dup();
    double loss = model.loss(labels);
    model.backward();
    close("output", theirs.get("output"), output, tolerance);
    assertEquals(
        theirs.get("loss").getDouble(0), loss, tolerance * Math.max(1, Math.abs(loss)), "loss");
    TreeSet<String> ours = new TreeSet<>();
    for (Parameter p : model.parameters().list()) {
      ours.add("grad." + p.name());
      close("gradient of " + p.name(), theirs.get("grad." + p.name()), p.gradient(), tolerance);
    }
    TreeSet<String> gradients = new TreeSet<>(theirs.keySet());
    gradients.removeAll(List.of("output", "loss"));
    assertEquals(gradients, ours, "PyTorch's parameters and ours");
  }

  /** |ours - theirs| within tolerance times the larger of 1 and theirs' largest magnitude. */
  private static void close(String what, INDArray theirs, INDArray ours, double tolerance) {
    assertTrue(theirs != null, what + " missing from PyTorch's results");
    assertArrayEquals(theirs.shape(), ours.shape(), what + " shape");
    INDArray t = theirs.castTo(DataType.DOUBLE);
    double scale = Math.max(1, t.amaxNumber().doubleValue());
    double difference = ours.castTo(DataType.DOUBLE).sub(t).amaxNumber().doubleValue();
    assertTrue(
        difference <= tolerance * scale,
        what + ": max |ours - PyTorch's| = " + difference + ", scale " + scale);
    assertTrue(t.amaxNumber().doubleValue() > 1e-6, what + " worth comparing: " + t);
  }

  /** N normalised-noise images of the network's input shape, in its element type. */
  private static INDArray input(Model model, int n) {
    int[] s = model.inputShape();
    SplittableRandom random = new SplittableRandom(17);
    double[] pixels = new double[n * s[0] * s[1] * s[2]];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextGaussian();
    }
    return Nd4j.create(pixels, new long[] {n, s[0], s[1], s[2]}, DataType.DOUBLE)
        .castTo(model.dataType());
  }

  private static Path script() {
    Path script = Path.of(System.getProperty("basedir", "."), "src", "test", "python", "parity.py");
    assertTrue(
        Files.isRegularFile(script), "expected the PyTorch side at " + script.toAbsolutePath());
    return script;
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail(
          PYTHON
              + " is missing: this test runs our networks in PyTorch; sudo apt-get install python3 python3-torch");
    }
    Path log = dir.resolve("python.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("parity.py did not finish in 120 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
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
