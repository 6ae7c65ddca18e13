package dev.netwright.samples;

import dev.netwright.runtime.kernel.Dense;
import dev.netwright.runtime.kernel.Relu;
import dev.netwright.runtime.kernel.SigmoidCrossEntropy;
import dev.netwright.runtime.model.GeneratedModel;
import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Parameters;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The NumPy tutorial's L-layer network, built from its layer sizes at run time: dense layers with
 * ReLU between them, one sigmoid output with binary cross-entropy, weights drawn as randn /
 * sqrt(fan-in) and biases at zero (the tutorial's {@code initialize_parameters_deep}).
 *
 * <pre>{@code
 * Model net = new DenseNetwork(DataType.FLOAT, 1, new int[] {3, 64, 64}, 12288, 20, 7, 5, 1);
 * }</pre>
 *
 * Parameters are named {@code layer1.weight} [20, 12288], {@code layer1.bias} [20], ...
 */
public final class DenseNetwork extends GeneratedModel<DenseNetwork.Buffers> {
  private final int[] sizes;
  private final INDArray[] weights;
  private final INDArray[] biases;
  private final INDArray[] weightGradients;
  private final INDArray[] biasGradients;

  /**
   * A network whose layer sizes are {@code sizes}: the first is the input's size (channels x height
   * x width of {@code inputShape}), the last must be 1.
   */
  public DenseNetwork(DataType dtype, long seed, int[] inputShape, int... sizes) {
    super(
        "DenseNetwork" + Arrays.toString(sizes),
        dtype,
        parameters(dtype, check(inputShape, sizes)),
        inputShape,
        new int[] {1},
        2,
        HeadType.SIGMOID_BINARY_CROSS_ENTROPY,
        summary(sizes),
        diagram(sizes));
    this.sizes = sizes.clone();
    int layers = sizes.length - 1;
    weights = new INDArray[layers];
    biases = new INDArray[layers];
    weightGradients = new INDArray[layers];
    biasGradients = new INDArray[layers];
    Parameters p = parameters();
    p.initialize(seed);
    for (int l = 0; l < layers; l++) {
      weights[l] = p.get("layer" + (l + 1) + ".weight").value();
      weightGradients[l] = p.get("layer" + (l + 1) + ".weight").gradient();
      biases[l] = p.get("layer" + (l + 1) + ".bias").value();
      biasGradients[l] = p.get("layer" + (l + 1) + ".bias").gradient();
    }
  }

  private static int[] check(int[] inputShape, int[] sizes) {
    if (inputShape.length != 3) {
      throw new IllegalArgumentException(
          "the input shape is [channels, height, width], got " + Arrays.toString(inputShape));
    }
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "layer sizes list the input size and at least the output,"
              + " e.g. [12288, 20, 7, 5, 1]; got "
              + Arrays.toString(sizes));
    }
    long in = (long) inputShape[0] * inputShape[1] * inputShape[2];
    if (sizes[0] != in) {
      throw new IllegalArgumentException(
          "the first layer size must be the input's size "
              + in
              + " ("
              + inputShape[0]
              + " x "
              + inputShape[1]
              + " x "
              + inputShape[2]
              + "), got "
              + sizes[0]);
    }
    if (sizes[sizes.length - 1] != 1) {
      throw new IllegalArgumentException(
          "a sigmoid binary cross-entropy output has 1 unit, but the"
              + " last layer size is "
              + sizes[sizes.length - 1]);
    }
    for (int s : sizes) {
      if (s <= 0) {
        throw new IllegalArgumentException(
            "layer sizes must be positive, got " + Arrays.toString(sizes));
      }
    }
    return sizes;
  }

  private static Parameters parameters(DataType dtype, int[] sizes) {
    Parameters.Builder b = Parameters.builder(dtype);
    for (int l = 1; l < sizes.length; l++) {
      b.add(
          "layer" + l + ".weight",
          Parameters.Init.SCALED_NORMAL,
          sizes[l - 1],
          sizes[l],
          sizes[l],
          sizes[l - 1]);
      b.add("layer" + l + ".bias", Parameters.Init.ZEROS, sizes[l - 1], sizes[l], sizes[l]);
    }
    return b.build();
  }

  private static String summary(int[] sizes) {
    StringBuilder s = new StringBuilder("DenseNetwork " + Arrays.toString(sizes) + "\n");
    long total = 0;
    for (int l = 1; l < sizes.length; l++) {
      long params = (long) sizes[l - 1] * sizes[l] + sizes[l];
      total += params;
      s.append(
          String.format(
              Locale.ROOT,
              "layer%-3d Dense %d->%d%s  [%d]  %,d%n",
              l,
              sizes[l - 1],
              sizes[l],
              l < sizes.length - 1 ? " + ReLU" : "",
              sizes[l],
              params));
    }
    s.append(
        String.format(
            Locale.ROOT, "Parameters: %,d (trainable %,d, non-trainable 0)%n", total, total));
    return s.append("Head: sigmoid binary cross-entropy (class 1 when p > 0.5)\n").toString();
  }

  private static String diagram(int[] sizes) {
    String nodes =
        java.util.stream.IntStream.range(1, sizes.length)
            .mapToObj(
                l ->
                    "  \"layer"
                        + l
                        + "\" [label=\"layer"
                        + l
                        + "\\nDense "
                        + sizes[l - 1]
                        + "->"
                        + sizes[l]
                        + "\"];")
            .collect(Collectors.joining("\n"));
    String edges =
        java.util.stream.IntStream.range(1, sizes.length)
            .mapToObj(
                l ->
                    "  \""
                        + (l == 1 ? "input" : "layer" + (l - 1))
                        + "\" -> \"layer"
                        + l
                        + "\" [label=\"["
                        + sizes[l - 1]
                        + "]\"];")
            .collect(Collectors.joining("\n"));
    return "digraph \"DenseNetwork\" {\n  node [shape=box];\n" + nodes + "\n" + edges + "\n}\n";
  }

  @Override
  protected String[] nodeNames() {
    return java.util.stream.IntStream.range(1, sizes.length)
        .mapToObj(l -> "layer" + l)
        .toArray(String[]::new);
  }

  @Override
  protected Buffers allocate(int n) {
    return new Buffers(n);
  }

  @Override
  protected void forward(Buffers b) {
    for (int l = 0; l < b.dense.length; l++) {
      b.dense[l].forward();
      if (b.relu[l] != null) {
        b.relu[l].forward();
      }
    }
  }

  @Override
  protected void backward(Buffers b) {
    for (int l = b.dense.length - 1; l >= 0; l--) {
      if (b.relu[l] != null) {
        b.relu[l].backward();
      }
      b.dense[l].backward();
    }
  }

  /** Activations, gradients and kernels for one batch size. */
  final class Buffers extends GeneratedModel.Batch {
    final INDArray[] z;
    final INDArray[] dz;
    final Dense[] dense;
    final Relu[] relu;

    Buffers(int n) {
      super(n);
      int layers = sizes.length - 1;
      int[] in = inputShape();
      input = create(n, in[0], in[1], in[2]);
      INDArray x = input.reshape(n, sizes[0]);
      z = new INDArray[layers];
      dz = new INDArray[layers];
      dense = new Dense[layers];
      relu = new Relu[layers];
      for (int l = 0; l < layers; l++) {
        z[l] = create(n, sizes[l + 1]);
        dense[l] = new Dense(z[l], l == 0 ? x : z[l - 1], weights[l], biases[l]);
        relu[l] = l < layers - 1 ? new Relu(z[l], z[l]) : null; // in place
      }
      output = z[layers - 1];
      nodeOutputs = z;
      loss = new SigmoidCrossEntropy(create(n, 1), output);
    }

    @Override
    protected void enableBackward() {
      for (int l = 0; l < z.length; l++) {
        dz[l] = create(n, sizes[l + 1]);
      }
      for (int l = 0; l < z.length; l++) {
        dense[l].withGradients(
            l == 0 ? null : dz[l - 1], weightGradients[l], biasGradients[l], dz[l]);
        if (relu[l] != null) {
          relu[l].withGradients(dz[l], dz[l]);
        }
      }
      outputGradient = dz[z.length - 1];
      loss.withGradients(outputGradient);
    }
  }
}
