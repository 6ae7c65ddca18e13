package dev.netwright.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** An exported file loaded in ONNX Runtime (one intra-op thread), run on ND4J arrays. */
final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  OrtRunner(Path file) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(file.toString(), options);
    }
  }

  OrtSession session() {
    return session;
  }

  /** Every output of the graph for {@code input} [N, C, H, W], by name, as FLOAT arrays. */
  Map<String, INDArray> run(INDArray input) throws OrtException {
    float[] data = input.castTo(DataType.FLOAT).dup('c').reshape(input.length()).toFloatVector();
    Map<String, INDArray> outputs = new LinkedHashMap<>();
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), input.shape());
        OrtSession.Result result = session.run(Map.of("input", x))) {
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
        OnnxTensor t = (OnnxTensor) e.getValue();
        FloatBuffer buffer = t.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        outputs.put(e.getKey(), Nd4j.create(values, t.getInfo().getShape(), 'c'));
      }
    }
    return outputs;
  }

  /** Max |a - b| over max |b|: the error relative to the scale of the reference {@code b}. */
  static double relativeError(INDArray a, INDArray b) {
    INDArray x = a.castTo(DataType.DOUBLE);
    INDArray y = b.castTo(DataType.DOUBLE);
    if (!java.util.Arrays.equals(x.shape(), y.shape())) {
      throw new AssertionError(
          "shapes differ: "
              + java.util.Arrays.toString(x.shape())
              + " and "
              + java.util.Arrays.toString(y.shape()));
    }
    double scale = Math.max(y.amaxNumber().doubleValue(), Double.MIN_NORMAL);
    return x.sub(y).amaxNumber().doubleValue() / scale;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
