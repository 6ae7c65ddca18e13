package dev.netwright.processor.fuzz;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.netwright.processor.NetworkProcessor;
import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Random valid networks of the fuzzer (every layer, block, padding and merge it draws), exported
 * through their generated {@code graph()}, run in ONNX Runtime as their forward runs in inference
 * mode: logits equal to 1e-5 of their scale, after randomising the batch-norm statistics.
 */
class OnnxFuzzTest {
  private static final int NETWORKS = 100;
  private static final long SEED = 20261204L;

  @TempDir Path dir;

  @Test
  void randomNetworksAgreeWithOnnxRuntime() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<String> failures = new ArrayList<>();
    Random seeds = new Random(SEED);
    for (int i = 0; i < NETWORKS; i++) {
      long seed = seeds.nextLong();
      Ast.Net net = Generator.valid("O" + i, seed);
      String source = Renderer.source(net);
      String name = Renderer.PACKAGE + "." + net.name;
      Compilation c =
          javac()
              .withProcessors(new NetworkProcessor())
              .withOptions(Harness.OPTIONS)
              .compile(JavaFileObjects.forSourceString(Renderer.PACKAGE + ".Repro", source));
      if (c.status() != Compilation.Status.SUCCESS) {
        failures.add(net.name + " does not compile:\n" + c.errors() + "\n" + source);
        continue;
      }
      ClassLoader loader = new Runner.MemoryClassLoader(c, OnnxFuzzTest.class.getClassLoader());
      Model m =
          (Model)
              loader
                  .loadClass(name + "Model")
                  .getConstructor(DataType.class, long.class)
                  .newInstance(DataType.FLOAT, seed);
      randomiseStatistics(m.parameters(), new Random(seed));
      m.setTraining(false);
      Nd4j.getRandom().setSeed(seed);
      int[] s = m.inputShape();
      INDArray x = Nd4j.randn(DataType.FLOAT, 2, s[0], s[1], s[2]);
      INDArray expected = m.forward(x).castTo(DataType.DOUBLE);
      Path file = dir.resolve(net.name + ".onnx");
      Onnx.export(file, m);
      float[] data = x.dup('c').reshape(x.length()).toFloatVector();
      try (OrtSession session =
              env.createSession(file.toString(), new OrtSession.SessionOptions());
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
          OrtSession.Result r = session.run(Map.of("input", in))) {
        OnnxTensor logits = (OnnxTensor) r.get("logits").orElseThrow();
        FloatBuffer fb = logits.getFloatBuffer();
        float[] values = new float[fb.remaining()];
        fb.get(values);
        INDArray actual =
            Nd4j.create(values, logits.getInfo().getShape(), 'c').castTo(DataType.DOUBLE);
        assertEquals(
            java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-30);
        double error = actual.sub(expected).amaxNumber().doubleValue() / scale;
        if (!(error <= 1e-5)) {
          failures.add(
              net.name
                  + ": ONNX Runtime differs by "
                  + error
                  + " of the output's scale\n"
                  + source);
        }
      } catch (Exception e) {
        failures.add(net.name + ": " + e + "\n" + source);
      }
    }
    assertTrue(
        failures.isEmpty(),
        failures.size() + " of " + NETWORKS + " failed:\n" + String.join("\n\n", failures));
  }

  private static void randomiseStatistics(Parameters p, Random r) {
    for (Parameters.Buffer b : p.bufferList()) {
      INDArray v = b.value();
      boolean variance = b.name().endsWith(".running_var");
      for (long i = 0; i < v.length(); i++) {
        v.putScalar(i, variance ? 0.5 + r.nextDouble() : 0.2 * r.nextGaussian());
      }
    }
  }
}
