package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fully connected layer: PyTorch's {@code Linear}, weights [units, inFeatures]. A [C, H, W] input
 * is flattened first, in (c, h, w) order.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dense {
  /** Output units. */
  int value();

  /**
   * The input size you expect (PyTorch's {@code in_features}), checked at compile time when
   * written; leave it out to take it from the previous node.
   */
  int inFeatures() default 0;

  /** Whether to add a learned bias per unit. */
  boolean bias() default true;

  /** How the weights start; DEFAULT takes the network's {@code init}. */
  Init init() default Init.DEFAULT;
}
