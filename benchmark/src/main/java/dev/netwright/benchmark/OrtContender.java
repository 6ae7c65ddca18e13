package dev.netwright.benchmark;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime (CPU) running the file Netwright exports of the network, for inference only: the
 * session uses as many intra-op threads as the benchmark gives Netwright, its inputs are made once,
 * and each call asks for the logits alone, what Netwright's forward computes. Before anything is
 * timed, the file's logits on the first batch must be Netwright's.
 */
final class OrtContender extends JavaContender {
  private static final Set<String> LOGITS = Set.of("logits");

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final OnnxTensor[] features = new OnnxTensor[Batches.COUNT];
  private final OnnxTensor[] singles = new OnnxTensor[Batches.COUNT];

  OrtContender(BenchNetwork network, Batches data, int threads) {
    Model model = network.netwright();
    model.setTraining(false);
    try {
      Path file = Files.createTempFile("netwright-" + network.key, ".onnx");
      try {
        Onnx.export(file, model);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
          options.setIntraOpNumThreads(threads);
          options.setInterOpNumThreads(1);
          options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          session = env.createSession(file.toString(), options);
        }
      } finally {
        Files.deleteIfExists(file);
      }
      for (int i = 0; i < Batches.COUNT; i++) {
        features[i] = tensor(data.features[i]);
        singles[i] = tensor(data.singles[i]);
      }
      checkSameOutputs(network, model, data.features[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot run Netwright's export of " + network.key + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The proof that both run the same network: ONNX Runtime's logits on the first batch are
   * Netwright's, to 1e-4 of their scale (the tests hold every sample to 1e-5).
   */
  private void checkSameOutputs(BenchNetwork network, Model model, INDArray batch)
      throws OrtException {
    INDArray expected = model.forward(batch).castTo(DataType.DOUBLE);
    try (OrtSession.Result result = session.run(Map.of("input", features[0]), LOGITS)) {
      OnnxTensor logits = (OnnxTensor) result.get(0);
      FloatBuffer buffer = logits.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      INDArray actual =
          Nd4j.create(values, logits.getInfo().getShape(), 'c').castTo(DataType.DOUBLE);
      double error =
          actual.sub(expected).amaxNumber().doubleValue()
              / Math.max(expected.amaxNumber().doubleValue(), Double.MIN_NORMAL);
      if (!(error <= 1e-4)) {
        throw new IllegalStateException(
            String.format(
                java.util.Locale.ROOT,
                "[benchmark/same-network] ONNX"
                    + " Runtime's %s gives logits %.2g away from Netwright's: the export is not the same network",
                network.key,
                error));
      }
    }
  }

  /** The ONNX Runtime version, for the header. */
  static String version() {
    return OrtEnvironment.getEnvironment().getVersion();
  }

  private OnnxTensor tensor(INDArray a) throws OrtException {
    float[] values = a.castTo(DataType.FLOAT).dup('c').reshape(a.length()).toFloatVector();
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), a.shape());
  }

  @Override
  public boolean trains() {
    return false;
  }

  @Override
  void startTraining() {
    throw new UnsupportedOperationException("ONNX Runtime is measured for inference only");
  }

  @Override
  void trainStep(int i) {
    throw new UnsupportedOperationException("ONNX Runtime is measured for inference only");
  }

  @Override
  void startInference() {}

  @Override
  void infer(int i, boolean single) {
    int b = i % Batches.COUNT;
    try (OrtSession.Result result =
        session.run(Map.of("input", single ? singles[b] : features[b]), LOGITS)) {
      if (result.size() != 1) {
        throw new IllegalStateException("ONNX Runtime returned " + result.size() + " outputs");
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      for (int i = 0; i < Batches.COUNT; i++) {
        features[i].close();
        singles[i].close();
      }
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
