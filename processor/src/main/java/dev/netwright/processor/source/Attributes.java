package dev.netwright.processor.source;

import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.Value;

/** The values of one annotation as the user wrote them (or their defaults), each with its place. */
public interface Attributes {
  /** The whole annotation. */
  Location location();

  /** Whether the user wrote {@code attribute}. */
  boolean isWritten(Attribute<?> attribute);

  /** An int, located at the value when written and at the annotation otherwise. */
  Value intValue(Attribute<Integer> attribute);

  /** A real, located at the value when written and at the annotation otherwise. */
  Real realValue(Attribute<Double> attribute);

  /** A boolean. */
  boolean booleanValue(Attribute<Boolean> attribute);

  /** An enum constant of the DSL. */
  <E extends Enum<E>> E enumValue(Attribute<E> attribute);

  /** Where {@code attribute} was written, or the annotation when it was not. */
  Location valueLocation(Attribute<?> attribute);
}
