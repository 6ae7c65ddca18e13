package dev.netwright.runtime.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch from a {@link BatchLoader}. The loader reuses it: it is valid only until the
 * loader's next call to {@code next()}, {@code reset()} or {@code close()}.
 */
public final class Batch {
  private final INDArray features;
  private final INDArray labels;
  private final int[] classes;
  private final int[] indices;

  Batch(INDArray features, INDArray labels) {
    this.features = features;
    this.labels = labels;
    int size = (int) features.size(0);
    this.classes = new int[size];
    this.indices = new int[size];
  }

  /** The images, [B, C, H, W] in c-order, in the loader's dtype; overwritten by the next batch. */
  public INDArray features() {
    return features;
  }

  /** The one-hot targets, [B, K], in the loader's dtype; overwritten by the next batch. */
  public INDArray labels() {
    return labels;
  }

  /** The class of each example, length B; the loader's own array: read, do not modify. */
  public int[] classes() {
    return classes;
  }

  /** The index in the data set of each example, length B; the loader's own array: read only. */
  public int[] indices() {
    return indices;
  }

  /** The number of examples B; the last batch of an epoch may be smaller than the others. */
  public int size() {
    return classes.length;
  }
}
