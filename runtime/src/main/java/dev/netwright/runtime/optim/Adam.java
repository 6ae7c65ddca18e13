package dev.netwright.runtime.optim;

import dev.netwright.runtime.model.Parameters;
import java.util.List;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} (L2 weight decay added to the gradient), or AdamW as
 * {@code torch.optim.AdamW} (decoupled weight decay, p ← p − lr·λ·p), after the algorithms in their
 * documentation, in the form PyTorch computes them: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε).
 *
 * <p>One pass of plain Java over the flat buffers' native memory: no BLAS call does the division,
 * and libnd4j's {@code adam_updater} adds ε before the bias correction (TensorFlow's form), which
 * differs from PyTorch where gradients are small.
 *
 * <pre>{@code
 * Adam.builder(net.parameters(), 1e-3).build();
 * Adam.adamW(net.parameters(), 1e-3).weightDecay(0.05, ".bias").build();
 * }</pre>
 */
public final class Adam extends FlatOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean decoupled;
  private final Memory m;
  private final Memory v;

  private Adam(Builder b) {
    super(b.parameters, b.learningRate, b.weightDecay, b.noDecaySuffixes);
    this.beta1 = checkFraction("beta1", b.beta1);
    this.beta2 = checkFraction("beta2", b.beta2);
    if (!(b.epsilon > 0) || !Double.isFinite(b.epsilon)) {
      throw new IllegalArgumentException("epsilon must be a positive number, got " + b.epsilon);
    }
    this.epsilon = b.epsilon;
    this.decoupled = b.decoupled;
    this.m = stateBuffer("m");
    this.v = stateBuffer("v");
  }

  /**
   * Adam at {@code learningRate} with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight
   * decay.
   */
  public static Builder builder(Parameters parameters, double learningRate) {
    return new Builder(parameters, learningRate, false, 0);
  }

  /**
   * AdamW at {@code learningRate} with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay
   * 0.01.
   */
  public static Builder adamW(Parameters parameters, double learningRate) {
    return new Builder(parameters, learningRate, true, 0.01);
  }

  /** Whether weight decay is decoupled (AdamW) rather than added to the gradient (Adam). */
  public boolean decoupled() {
    return decoupled;
  }

  @Override
  void update(long t) {
    double lr = learningRate();
    double stepSize = lr / (1 - Math.pow(beta1, t));
    double correction2 = Math.sqrt(1 - Math.pow(beta2, t));
    for (Range r : ranges) {
      double l2 = r.decays() && !decoupled ? weightDecay : 0;
      double keep = r.decays() && decoupled ? 1 - lr * weightDecay : 1;
      for (int i = r.from(); i < r.to(); i++) {
        double p = values.get(i);
        double g = gradients.get(i) + l2 * p;
        double mi = beta1 * m.get(i) + (1 - beta1) * g;
        double vi = beta2 * v.get(i) + (1 - beta2) * g * g;
        m.put(i, mi);
        v.put(i, vi);
        values.put(i, keep * p - stepSize * mi / (Math.sqrt(vi) / correction2 + epsilon));
      }
    }
  }

  /** Collects Adam's hyper-parameters. */
  public static final class Builder {
    private final Parameters parameters;
    private final double learningRate;
    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay;
    private List<String> noDecaySuffixes = List.of();

    private Builder(
        Parameters parameters, double learningRate, boolean decoupled, double weightDecay) {
      this.parameters = parameters;
      this.learningRate = learningRate;
      this.decoupled = decoupled;
      this.weightDecay = weightDecay;
    }

    /** The moment decay rates β1 and β2, each in [0, 1). */
    public Builder betas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    /** ε, added to the denominator for numerical stability. */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /**
     * Weight decay λ (L2 for Adam, decoupled for AdamW) on every parameter except those whose names
     * end with one of {@code exceptSuffixes} (e.g. ".bias").
     */
    public Builder weightDecay(double weightDecay, String... exceptSuffixes) {
      this.weightDecay = weightDecay;
      this.noDecaySuffixes = List.of(exceptSuffixes);
      return this;
    }

    /** The optimizer, its state allocated; hyper-parameters are checked here. */
    public Adam build() {
      return new Adam(this);
    }
  }
}
