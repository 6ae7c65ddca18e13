package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Exports a network, runs the file in ONNX Runtime and compares it with the network's forward. */
final class OnnxAgreement {
  private OnnxAgreement() {}

  /**
   * Randomises {@code model}'s batch-norm statistics, scales and shifts (seeded), exports it to
   * {@code file}, and for each batch size compares ONNX Runtime's outputs on random N(0, 1) inputs
   * with {@code forward} in inference mode; returns the largest relative error seen.
   */
  static double check(Model model, Path file, int... batchSizes) throws Exception {
    randomiseBatchNorm(model.parameters(), new Random(11));
    model.setTraining(false);
    Onnx.export(file, model);
    double worst = 0;
    try (OrtRunner ort = new OrtRunner(file)) {
      for (int n : batchSizes) {
        int[] s = model.inputShape();
        Nd4j.getRandom().setSeed(100 + n);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, s[0], s[1], s[2]);
        INDArray expected = model.forward(x).dup();
        Map<String, INDArray> outputs = ort.run(x);
        double e = OrtRunner.relativeError(outputs.get("logits"), expected);
        assertTrue(
            e <= OnnxSamplesTest.TOLERANCE,
            model.name() + " at batch " + n + ": logits differ by " + e);
        worst = Math.max(worst, e);
        INDArray probabilities = probabilities(model.head(), expected);
        assertEquals(probabilities != null, outputs.containsKey("probabilities"));
        if (probabilities != null) {
          double p = OrtRunner.relativeError(outputs.get("probabilities"), probabilities);
          assertTrue(
              p <= OnnxSamplesTest.TOLERANCE,
              model.name() + " at batch " + n + ": probabilities differ by " + p);
          worst = Math.max(worst, p);
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return worst;
  }

  /**
   * The head's probabilities of {@code logits}, computed here in DOUBLE; null for heads without.
   */
  static INDArray probabilities(HeadType head, INDArray logits) {
    INDArray z = logits.castTo(DataType.DOUBLE);
    return switch (head) {
      case SOFTMAX_CROSS_ENTROPY -> Transforms.softmax(z, true);
      case SIGMOID_BINARY_CROSS_ENTROPY -> Transforms.sigmoid(z, true);
      case MEAN_SQUARED_ERROR, NONE -> null;
    };
  }

  /**
   * Batch-norm running means N(0, 0.2), variances U(0.5, 1.5), scales U(0.5, 1.5) and shifts N(0,
   * 0.2): a fresh network's zeros and ones would hide a swapped or ignored input.
   */
  static void randomiseBatchNorm(Parameters p, Random random) {
    for (Parameters.Buffer b : p.bufferList()) {
      fill(b.value(), random, b.name().endsWith(".running_var"));
      String module = b.name().substring(0, b.name().lastIndexOf('.'));
      for (String own : new String[] {".weight", ".bias"}) {
        if (b.name().endsWith(".running_mean")
            && p.list().stream().anyMatch(q -> q.name().equals(module + own))) {
          fill(p.get(module + own).value(), random, own.equals(".weight"));
        }
      }
    }
  }

  private static void fill(INDArray a, Random random, boolean positive) {
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, positive ? 0.5 + random.nextDouble() : 0.2 * random.nextGaussian());
    }
  }
}
