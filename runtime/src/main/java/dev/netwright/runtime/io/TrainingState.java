package dev.netwright.runtime.io;

/**
 * Where a training run stands between epochs: what a {@link Checkpoint} stores beside the
 * network and optimizer, and what resuming needs to continue exactly.
 *
 * @param epoch epochs completed (0 before the first)
 * @param seed the run's seed, the one its training {@code BatchLoader} shuffles with
 * @param loaderEpoch the training loader's {@code epoch()} when saved; {@code seek(loaderEpoch)}
 *     on a new loader with the same seed puts it where the saved one was
 */
public record TrainingState(int epoch, long seed, int loaderEpoch) {
  /** Checks the counts. */
  public TrainingState {
    if (epoch < 0 || loaderEpoch < 0) {
      throw new IllegalArgumentException("epoch and loaderEpoch count from 0, got epoch " + epoch
          + " and loaderEpoch " + loaderEpoch);
    }
  }
}
