package dev.netwright.spark;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.util.Map;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD that calls a hook with the step count after every step: the tests' way to make a replica
 * diverge or stop at a chosen step. Build the hook inside the optimizer factory, so it is made on
 * the executor and never serialized.
 */
final class HookedSgd implements Optimizer {
  private final Sgd sgd;
  private final LongConsumer afterStep;

  HookedSgd(Parameters parameters, double learningRate, double momentum, LongConsumer afterStep) {
    this.sgd = new Sgd(parameters, learningRate, momentum);
    this.afterStep = afterStep;
  }

  @Override
  public void step() {
    sgd.step();
    afterStep.accept(sgd.steps());
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
