package dev.netwright.runtime.io;

/**
 * Where a training run stands between epochs: what a {@link Checkpoint} stores beside the network
 * and optimizer, and what resuming needs to continue exactly.
 *
 * @param epoch epochs completed (0 before the first)
 * @param seed the run's seed, the one its training {@code BatchLoader} shuffles with
 * @param loaderEpoch the training loader's {@code epoch()} when saved; {@code seek(loaderEpoch)} on
 *     a new loader with the same seed puts it where the saved one was
 * @param modelSteps the model's {@code trainingSteps()}, which with its {@code dropoutSeed()} keys
 *     its dropout masks
 * @param dropoutSeed the model's {@code dropoutSeed()}
 */
public record TrainingState(
    int epoch, long seed, int loaderEpoch, long modelSteps, long dropoutSeed) {
  /** Checks the counts. */
  public TrainingState {
    if (epoch < 0 || loaderEpoch < 0 || modelSteps < 0) {
      throw new IllegalArgumentException(
          "epoch, loaderEpoch and modelSteps count from 0, got epoch "
              + epoch
              + ", loaderEpoch "
              + loaderEpoch
              + " and modelSteps "
              + modelSteps);
    }
  }

  /** A state for a model that has not trained yet (or has no dropout). */
  public TrainingState(int epoch, long seed, int loaderEpoch) {
    this(epoch, seed, loaderEpoch, 0, 0);
  }
}
