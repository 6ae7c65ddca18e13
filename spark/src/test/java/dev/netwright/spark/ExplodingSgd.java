package dev.netwright.spark;

import dev.netwright.runtime.Parameters;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** SGD whose updates turn every weight infinite after a given step: a divergence on demand. */
final class ExplodingSgd implements Optimizer {
  private final Sgd sgd;
  private final Parameters parameters;
  private final long after;

  ExplodingSgd(Parameters parameters, long after) {
    this.sgd = new Sgd(parameters, 0.01, 0);
    this.parameters = parameters;
    this.after = after;
  }

  @Override
  public void step() {
    sgd.step();
    if (sgd.steps() > after) {
      parameters.values().assign(Double.POSITIVE_INFINITY);
    }
  }

  @Override
  public double learningRate() {
    return sgd.learningRate();
  }

  @Override
  public void setLearningRate(double learningRate) {
    sgd.setLearningRate(learningRate);
  }

  @Override
  public Map<String, INDArray> state() {
    return sgd.state();
  }

  @Override
  public long steps() {
    return sgd.steps();
  }

  @Override
  public void restore(Map<String, INDArray> state, long steps) {
    sgd.restore(state, steps);
  }
}
