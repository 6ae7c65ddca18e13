package dev.netwright.runtime.train;

import java.util.List;

/** Human-readable class names of the data sets the samples use, indexed by label. */
public final class ClassNames {
  /** Fashion-MNIST's ten classes, in label order 0–9. */
  public static final List<String> FASHION_MNIST =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** MNIST's ten digits, in label order 0–9. */
  public static final List<String> MNIST =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private ClassNames() {}
}
