package dev.netwright.processor.graph;

/** A number from the user's source (or its default) with where it was written. */
public record Value(int value, Location at, boolean written) {
  /** A value the user wrote. */
  public static Value written(int value, Location at) {
    return new Value(value, at, true);
  }

  /** A default the user did not write; {@code at} is the annotation that implied it. */
  public static Value implied(int value, Location at) {
    return new Value(value, at, false);
  }
}
