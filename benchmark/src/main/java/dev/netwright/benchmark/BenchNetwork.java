package dev.netwright.benchmark;

import dev.netwright.runtime.model.Model;
import dev.netwright.samples.InceptionNetModel;
import dev.netwright.samples.ResNetModel;
import dev.netwright.samples.SimpleNetModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The networks the benchmark runs: the PyTorch lecture's three on Fashion-MNIST's 1x28x28 and a
 * VGG-style one on 3x32x32. Multiply-adds come from each generated model's compile-time summary.
 */
enum BenchNetwork {
  SIMPLE("simple", SimpleNetModel::new, SimpleNetModel.MULTIPLY_ADDS, 1, 28),
  INCEPTION("inception", InceptionNetModel::new, InceptionNetModel.MULTIPLY_ADDS, 1, 28),
  RESNET("resnet", ResNetModel::new, ResNetModel.MULTIPLY_ADDS, 1, 28),
  VGG("vgg", VggNetModel::new, VggNetModel.MULTIPLY_ADDS, 3, 32);

  static final int CLASSES = 10;

  final String key;
  private final Supplier<Model> netwright;

  /** Forward multiply-adds per example. */
  final long multiplyAdds;

  final int channels;
  final int size;

  BenchNetwork(String key, Supplier<Model> netwright, long multiplyAdds, int channels, int size) {
    this.key = key;
    this.netwright = netwright;
    this.multiplyAdds = multiplyAdds;
    this.channels = channels;
    this.size = size;
  }

  /** A new Netwright model, FLOAT, seed 0. */
  Model netwright() {
    return netwright.get();
  }

  /** Whether the input is Fashion-MNIST's shape, so real images can stand in for random ones. */
  boolean fashionMnistShaped() {
    return channels == 1 && size == 28;
  }

  /** Training FLOPs per example: 2 FLOPs per multiply-add, times 3 for forward and backward. */
  double trainingFlopsPerExample() {
    return 6.0 * multiplyAdds;
  }

  /** The network called {@code key}, e.g. "resnet". */
  static BenchNetwork of(String key) {
    for (BenchNetwork n : values()) {
      if (n.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
        return n;
      }
    }
    throw new IllegalArgumentException("no network '" + key + "'; choose from " + keys());
  }

  /** All keys, comma-separated. */
  static String keys() {
    return Arrays.stream(values()).map(n -> n.key).collect(Collectors.joining(","));
  }
}
