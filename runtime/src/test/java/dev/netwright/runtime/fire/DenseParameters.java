package dev.netwright.runtime.fire;

import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of an L-layer dense network with one sigmoid output (as the samples' {@code
 * DenseNetwork} lays them out: {@code layer1.weight} [sizes[1], sizes[0]], {@code layer1.bias}
 * [sizes[1]], ...) without its arithmetic: all that the checkpoint tests save, load and resume.
 * Running it throws.
 */
final class DenseParameters implements Model {
  private final String name;
  private final int[] inputShape;
  private final Parameters parameters;

  /** Layer sizes as the samples' DenseNetwork takes them: the input's size first, 1 last. */
  DenseParameters(long seed, int[] inputShape, int... sizes) {
    this.name = "DenseParameters" + Arrays.toString(sizes);
    this.inputShape = inputShape.clone();
    Parameters.Builder b = Parameters.builder(DataType.FLOAT);
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
    this.parameters = b.build();
    parameters.initialize(seed);
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
    return new int[] {1};
  }

  @Override
  public int classes() {
    return 2;
  }

  @Override
  public HeadType head() {
    return HeadType.SIGMOID_BINARY_CROSS_ENTROPY;
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
  public void setTraining(boolean training) {}

  @Override
  public INDArray forward(INDArray input) {
    throw new UnsupportedOperationException(name + " only holds parameters");
  }

  @Override
  public double loss(INDArray labels) {
    throw new UnsupportedOperationException(name + " only holds parameters");
  }

  @Override
  public void backward() {
    throw new UnsupportedOperationException(name + " only holds parameters");
  }

  @Override
  public void backward(INDArray outputGradient) {
    throw new UnsupportedOperationException(name + " only holds parameters");
  }

  @Override
  public String summary() {
    return name + ": " + parameters.count() + " parameters\n";
  }

  @Override
  public String diagram() {
    return "digraph \"" + name + "\" {}\n";
  }
}
