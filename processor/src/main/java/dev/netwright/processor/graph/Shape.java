package dev.netwright.processor.graph;

/**
 * Shape of one example flowing between layers: [C, H, W] for feature maps, [F] once flat. The batch
 * dimension is never part of it.
 */
public record Shape(int channels, int height, int width, boolean flat) {
  /** A feature map [C, H, W]. */
  public static Shape map(int channels, int height, int width) {
    return new Shape(channels, height, width, false);
  }

  /** A flat vector [F]. */
  public static Shape flat(int features) {
    return new Shape(features, 1, 1, true);
  }

  /** Number of scalars per example. */
  public long size() {
    return (long) channels * height * width;
  }

  /** The dimensions without the batch: [C, H, W] or [F]. */
  public int[] dims() {
    return flat ? new int[] {channels} : new int[] {channels, height, width};
  }

  @Override
  public String toString() {
    return flat ? "[" + channels + "]" : "[" + channels + ", " + height + ", " + width + "]";
  }
}
