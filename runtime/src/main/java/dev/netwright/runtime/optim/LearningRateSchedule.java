package dev.netwright.runtime.optim;

/**
 * A learning rate per epoch (or per step), as PyTorch's {@code torch.optim.lr_scheduler} computes
 * it in closed form. The caller sets it on the optimizer, e.g. once per epoch: {@code
 * optimizer.setLearningRate(schedule.rate(epoch))}.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /** The rate for epoch (or step) {@code t}, counted from 0 for the first. */
  double rate(long t);
}
