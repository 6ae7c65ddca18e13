package dev.netwright.benchmark;

/** One framework's implementation of one network, measured the same way as the others. */
interface Contender extends AutoCloseable {
  /** Steady-state training after a warm-up: forward, loss, backward, optimizer step at batch 64. */
  Training train(Budget budget);

  /** Inference-mode forward passes at batch 64 after a warm-up: images per second. */
  double inferImagesPerSecond(Budget budget);

  /** Median milliseconds of one inference-mode forward pass at batch 1, after a warm-up. */
  double latencyMillis(Budget budget);

  /** Whether it trains; an inference-only contender (ONNX Runtime) is not asked to. */
  default boolean trains() {
    return true;
  }

  @Override
  default void close() {}

  /**
   * One timed training run.
   *
   * @param heapBytesPerStep bytes allocated per step by all JVM threads, NaN where unknown
   * @param rssGrowthBytes resident memory after the timed steps minus before them
   */
  record Training(double imagesPerSecond, double heapBytesPerStep, double rssGrowthBytes) {}
}
