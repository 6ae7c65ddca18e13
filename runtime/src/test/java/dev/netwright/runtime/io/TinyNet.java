package dev.netwright.runtime.io;

import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.OnnxGraph;
import dev.netwright.runtime.model.Parameters;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-written stand-in for a generated network (after train/SoftmaxRegression): logits = x·wᵀ +
 * b, softmax cross-entropy head, plus batch-norm-like running statistics of the logits,
 * "bn.running_mean" and "bn.running_var", updated by every training forward so that checkpoints
 * must carry buffers to resume exactly. Name, sizes and element type are the caller's.
 */
final class TinyNet implements Model {
  private final String name;
  private final DataType dtype;
  private final int[] inputShape;
  private final int features;
  private final int classes;
  private final Parameters parameters;
  private final INDArray w;
  private final INDArray b;
  private final INDArray dw;
  private final INDArray db;
  private final INDArray runningMean;
  private final INDArray runningVar;
  private final Map<Integer, Buffers> buffers = new HashMap<>();
  private Buffers last;
  private INDArray x;
  private boolean training = true;
  private OnnxGraph graph;

  private final class Buffers {
    final int n;
    final INDArray logits;
    final INDArray dlogits;
    final INDArray ones;

    Buffers(int n) {
      this.n = n;
      logits = Nd4j.create(dtype, n, classes);
      dlogits = Nd4j.create(dtype, n, classes);
      ones = Nd4j.ones(dtype, 1, n);
    }
  }

  TinyNet(String name, DataType dtype, int side, int classes, long seed) {
    this.name = name;
    this.dtype = dtype;
    this.inputShape = new int[] {1, side, side};
    this.features = side * side;
    this.classes = classes;
    this.parameters =
        Parameters.builder(dtype)
            .add("fc.weight", features, classes, features)
            .add("fc.bias", features, classes)
            .buffer("bn.running_mean", 0.0, classes)
            .buffer("bn.running_var", 1.0, classes)
            .build();
    parameters.initialize(seed);
    w = parameters.get("fc.weight").value();
    b = parameters.get("fc.bias").value();
    dw = parameters.get("fc.weight").gradient();
    db = parameters.get("fc.bias").gradient().reshape(1, classes);
    runningMean = parameters.buffer("bn.running_mean").value();
    runningVar = parameters.buffer("bn.running_var").value();
  }

  /** The usual one: 1×4×4 inputs, 3 classes. */
  TinyNet(long seed) {
    this("TinyNet", DataType.FLOAT, 4, 3, seed);
  }

  @Override
  public String name() {
    return name;
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
  public int classes() {
    return classes;
  }

  @Override
  public HeadType head() {
    return HeadType.SOFTMAX_CROSS_ENTROPY;
  }

  @Override
  public DataType dataType() {
    return dtype;
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
    last = buffers.computeIfAbsent(n, Buffers::new);
    x = input.castTo(dtype).reshape(n, features);
    Nd4j.gemm(x, w, last.logits, false, true, 1.0, 0.0);
    last.logits.addiRowVector(b);
    if (training) {
      runningMean.muli(0.9).addi(last.logits.mean(0).muli(0.1));
      runningVar.muli(0.9).addi(last.logits.var(0).muli(0.1));
    }
    return last.logits;
  }

  @Override
  public double loss(INDArray labels) {
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
        total -= yk * (zk - max - Math.log(sum));
        g.put(i * classes + k, (Math.exp(zk - max) / sum - yk) / n);
      }
    }
    return total / n;
  }

  @Override
  public void backward() {
    Nd4j.gemm(last.dlogits, x, dw, true, false, 1.0, 1.0);
    Nd4j.gemm(last.ones, last.dlogits, db, false, false, 1.0, 1.0);
  }

  @Override
  public void backward(INDArray outputGradient) {
    last.dlogits.assign(outputGradient);
    backward();
  }

  @Override
  public String summary() {
    return "fc  [" + classes + "]  " + parameters.count() + " parameters";
  }

  @Override
  public String diagram() {
    return "digraph " + name + " { input -> fc; }\n";
  }

  /** What {@link #graph()} answers from now on, for the ONNX writer's tests. */
  TinyNet describedAs(OnnxGraph graph) {
    this.graph = graph;
    return this;
  }

  @Override
  public OnnxGraph graph() {
    return graph != null ? graph : Model.super.graph();
  }
}
