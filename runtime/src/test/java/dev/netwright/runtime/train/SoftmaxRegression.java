package dev.netwright.runtime.train;

import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-written stand-in for a generated network: one dense layer, logits = x·wᵀ + b with w [K, F]
 * and b [K], softmax cross-entropy head. Backward accumulates, as the kernels do.
 */
final class SoftmaxRegression implements Model {
  private final int[] inputShape;
  private final int features;
  private final int classes;
  private final Parameters parameters;
  private final INDArray w;
  private final INDArray b;
  private final INDArray dw;
  private final INDArray db;
  private final Map<Integer, Buffers> buffers = new HashMap<>();
  private Buffers last;
  private INDArray x;
  boolean training = true;
  int backwardCalls;

  /** Buffers for one batch size. */
  private static final class Buffers {
    final int n;
    final INDArray logits; // [N, K]
    final INDArray dlogits; // [N, K]: (softmax − y) / N once loss() ran
    final INDArray ones; // [1, N]

    Buffers(int n, int classes) {
      this.n = n;
      logits = Nd4j.create(DataType.FLOAT, n, classes);
      dlogits = Nd4j.create(DataType.FLOAT, n, classes);
      ones = Nd4j.ones(DataType.FLOAT, 1, n);
    }
  }

  SoftmaxRegression(int channels, int height, int width, int classes, long seed) {
    this.inputShape = new int[] {channels, height, width};
    this.features = channels * height * width;
    this.classes = classes;
    this.parameters =
        Parameters.builder(DataType.FLOAT)
            .add("fc.weight", features, classes, features)
            .add("fc.bias", features, classes)
            .build();
    parameters.initialize(seed);
    w = parameters.get("fc.weight").value();
    b = parameters.get("fc.bias").value();
    dw = parameters.get("fc.weight").gradient();
    db = parameters.get("fc.bias").gradient().reshape(1, classes);
  }

  @Override
  public String name() {
    return "SoftmaxRegression";
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public int[] outputShape() {
    return new int[] {classes};
  }

  @Override
  public dev.netwright.runtime.model.HeadType head() {
    return dev.netwright.runtime.model.HeadType.SOFTMAX_CROSS_ENTROPY;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public DataType dataType() {
    return DataType.FLOAT;
  }

  @Override
  public Parameters parameters() {
    return parameters;
  }

  @Override
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public INDArray forward(INDArray input) {
    int n = (int) input.size(0);
    last = buffers.computeIfAbsent(n, k -> new Buffers(k, classes));
    x = input.reshape(n, features);
    Nd4j.gemm(x, w, last.logits, false, true, 1.0, 0.0);
    last.logits.addiRowVector(b);
    return last.logits;
  }

  @Override
  public double loss(INDArray labels) {
    // Stable softmax row by row, in double; also leaves dL/dlogits = (p − y)/N for backward.
    DataBuffer z = last.logits.data();
    DataBuffer y = labels.data();
    DataBuffer g = last.dlogits.data();
    int n = last.n;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, z.getDouble(i * classes + k));
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(z.getDouble(i * classes + k) - max);
      }
      for (int k = 0; k < classes; k++) {
        double zk = z.getDouble(i * classes + k);
        double yk = y.getDouble(i * classes + k);
        double p = Math.exp(zk - max) / sum;
        total -= yk * (zk - max - Math.log(sum));
        g.put(i * classes + k, (p - yk) / n);
      }
    }
    return total / n;
  }

  @Override
  public void backward() {
    backwardCalls++;
    Nd4j.gemm(last.dlogits, x, dw, true, false, 1.0, 1.0);
    Nd4j.gemm(last.ones, last.dlogits, db, false, false, 1.0, 1.0);
  }

  @Override
  public void backward(INDArray outputGradient) {
    last.dlogits.assign(outputGradient);
    backwardCalls++;
    Nd4j.gemm(last.dlogits, x, dw, true, false, 1.0, 1.0);
    Nd4j.gemm(last.ones, last.dlogits, db, false, false, 1.0, 1.0);
  }

  @Override
  public String summary() {
    return "fc  [" + classes + "]  " + parameters.count() + " parameters";
  }

  @Override
  public String diagram() {
    return "digraph SoftmaxRegression { input -> fc; }\n";
  }
}
