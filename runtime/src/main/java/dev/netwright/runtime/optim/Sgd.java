package dev.netwright.runtime.optim;

import dev.netwright.runtime.Parameters;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent with optional momentum, as PyTorch's {@code torch.optim.SGD}
 * (dampening 0, no Nesterov): v ← μ·v + g; p ← p − lr·v. With μ = 0 it is plain p ← p − lr·g.
 * Three BLAS calls over the flat buffers per step, nothing allocated.
 */
public final class Sgd implements Optimizer {
  private final INDArray values;
  private final INDArray gradients;
  private final INDArray velocity;
  private final Level1 blas = Nd4j.getBlasWrapper().level1();
  private final long n;
  private final double learningRate;
  private final double momentum;

  /** SGD over {@code parameters} with the given learning rate and momentum (0 for none). */
  public Sgd(Parameters parameters, double learningRate, double momentum) {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.values = parameters.values();
    this.gradients = parameters.gradients();
    this.velocity = momentum == 0 ? null : values.ulike().assign(0);
    this.n = values.length();
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  @Override
  public void step() {
    if (velocity == null) {
      blas.axpy(n, -learningRate, gradients, values);
      return;
    }
    blas.scal(n, momentum, velocity);
    blas.axpy(n, 1.0, gradients, velocity);
    blas.axpy(n, -learningRate, velocity, values);
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  /** The momentum buffer v, or null without momentum (for checkpoints). */
  public INDArray velocity() {
    return velocity;
  }
}
