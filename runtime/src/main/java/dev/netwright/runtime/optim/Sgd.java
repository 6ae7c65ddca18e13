package dev.netwright.runtime.optim;

import dev.netwright.runtime.model.Parameters;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} (dampening 0), after the
 * algorithm in its documentation: g ← ∇ + λ·p; with momentum μ, v ← μ·v + g and then g ← v, or with
 * Nesterov g ← g + μ·v; finally p ← p − lr·g. A few BLAS calls over the flat buffers per step,
 * nothing allocated; the gradients are read, never modified.
 *
 * <pre>{@code
 * new Sgd(net.parameters(), 0.01, 0.9);
 * Sgd.builder(net.parameters(), 0.1).momentum(0.9).nesterov(true).weightDecay(5e-4, ".bias").build();
 * }</pre>
 */
public final class Sgd extends FlatOptimizer {
  private final double momentum;
  private final boolean nesterov;
  private final Memory velocity;

  /** SGD over {@code parameters} with the given learning rate and momentum (0 for none). */
  public Sgd(Parameters parameters, double learningRate, double momentum) {
    this(builder(parameters, learningRate).momentum(momentum));
  }

  private Sgd(Builder b) {
    super(b.parameters, b.learningRate, b.weightDecay, b.noDecaySuffixes);
    this.momentum = checkFraction("momentum", b.momentum);
    if (b.nesterov && momentum == 0) {
      throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0, got 0");
    }
    this.nesterov = b.nesterov;
    this.velocity = momentum == 0 ? null : stateBuffer("velocity");
  }

  /** A builder for SGD at {@code learningRate}: no momentum, no weight decay until set. */
  public static Builder builder(Parameters parameters, double learningRate) {
    return new Builder(parameters, learningRate);
  }

  @Override
  void update(long t) {
    double lr = learningRate();
    int n = values.length;
    if (velocity == null) { // p ← p − lr·(g + λp) = (1 − lr·λ)·p − lr·g
      scaleDecayed(1 - lr * weightDecay);
      values.axpy(-lr, gradients, 0, n);
      return;
    }
    velocity.scale(momentum, 0, n); // v ← μ·v + g + λp
    velocity.axpy(1, gradients, 0, n);
    for (Range r : ranges) {
      if (r.decays()) {
        velocity.axpy(weightDecay, values, r.from(), r.length());
      }
    }
    if (nesterov) { // p ← p − lr·(g + λp + μ·v)
      scaleDecayed(1 - lr * weightDecay);
      values.axpy(-lr, gradients, 0, n);
      values.axpy(-lr * momentum, velocity, 0, n);
    } else { // p ← p − lr·v
      values.axpy(-lr, velocity, 0, n);
    }
  }

  /** The momentum buffer v, or null without momentum; also {@code state().get("velocity")}. */
  public INDArray velocity() {
    return velocity == null ? null : velocity.array();
  }

  /** Collects SGD's hyper-parameters; PyTorch's defaults (all off) unless set. */
  public static final class Builder {
    private final Parameters parameters;
    private final double learningRate;
    private double momentum;
    private boolean nesterov;
    private double weightDecay;
    private List<String> noDecaySuffixes = List.of();

    private Builder(Parameters parameters, double learningRate) {
      this.parameters = parameters;
      this.learningRate = learningRate;
    }

    /** Momentum μ in [0, 1). */
    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Nesterov momentum (needs a momentum above 0). */
    public Builder nesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    /**
     * L2 weight decay λ added to the gradient, as SGD's {@code weight_decay}: on every parameter
     * except those whose names end with one of {@code exceptSuffixes} (e.g. ".bias").
     */
    public Builder weightDecay(double weightDecay, String... exceptSuffixes) {
      this.weightDecay = weightDecay;
      this.noDecaySuffixes = List.of(exceptSuffixes);
      return this;
    }

    /** The optimizer, its state allocated; hyper-parameters are checked here. */
    public Sgd build() {
      return new Sgd(this);
    }
  }
}
