package dev.netwright.benchmark;

import dev.netwright.runtime.data.Batch;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A few batches preloaded into FLOAT arrays before anything is timed, so data loading is never
 * measured: {@value #COUNT} training batches of {@value #SIZE} with one-hot labels, and as many
 * single images for latency. The steps cycle through them.
 */
final class Batches {
  static final int SIZE = 64;
  static final int COUNT = 8;

  final INDArray[] features;
  final INDArray[] labels;
  final INDArray[] singles;

  /** Where the images come from, for the header. */
  final String source;

  private Batches(INDArray[] features, INDArray[] labels, INDArray[] singles, String source) {
    this.features = features;
    this.labels = labels;
    this.singles = singles;
    this.source = source;
  }

  /**
   * The first {@value #COUNT} x {@value #SIZE} images of Fashion-MNIST's test split (the smaller
   * file) in {@code dir}, normalised as the lecture does, or null when the directory is missing.
   */
  static Batches fashionMnist(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Dataset head = IdxDirectory.test(dir, Normalization.MNIST).head(COUNT * SIZE);
    INDArray[] x = new INDArray[COUNT];
    INDArray[] y = new INDArray[COUNT];
    try (BatchLoader loader = new BatchLoader(head, SIZE, false, 0, DataType.FLOAT)) {
      for (int i = 0; i < COUNT; i++) {
        Batch b = loader.next(); // the loader reuses its arrays: copy them
        x[i] = b.features().dup();
        y[i] = b.labels().dup();
      }
    }
    return new Batches(
        x, y, singles(x), "Fashion-MNIST (" + dir + ", first " + COUNT * SIZE + " test images)");
  }

  /** Standard-normal images of [channels, size, size] and uniformly random classes, fixed seed. */
  static Batches random(int channels, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray[] x = new INDArray[COUNT];
    INDArray[] y = new INDArray[COUNT];
    for (int i = 0; i < COUNT; i++) {
      float[] pixels = new float[SIZE * channels * size * size];
      for (int k = 0; k < pixels.length; k++) {
        pixels[k] = (float) random.nextGaussian();
      }
      float[] oneHot = new float[SIZE * BenchNetwork.CLASSES];
      for (int k = 0; k < SIZE; k++) {
        oneHot[k * BenchNetwork.CLASSES + random.nextInt(BenchNetwork.CLASSES)] = 1f;
      }
      x[i] = Nd4j.create(pixels, new long[] {SIZE, channels, size, size}, DataType.FLOAT);
      y[i] = Nd4j.create(oneHot, new long[] {SIZE, BenchNetwork.CLASSES}, DataType.FLOAT);
    }
    return new Batches(x, y, singles(x), "random N(0, 1) images, seed " + seed);
  }

  private static INDArray[] singles(INDArray[] batches) {
    INDArray[] singles = new INDArray[COUNT];
    for (int i = 0; i < COUNT; i++) {
      long[] shape = batches[i].shape().clone(); // shape() is the array's own: never write to it
      shape[0] = 1;
      singles[i] = batches[i].slice(0).reshape(shape).dup();
    }
    return singles;
  }

  /** A deep copy, so no framework ever sees arrays another one touched. */
  Batches copy() {
    return new Batches(dup(features), dup(labels), dup(singles), source);
  }

  private static INDArray[] dup(INDArray[] arrays) {
    INDArray[] out = new INDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      out[i] = arrays[i].dup();
    }
    return out;
  }
}
