package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A VGG block (Simonyan and Zisserman 2014): {@code convs} times a 3x3 convolution with SAME
 * padding, stride 1 and ReLU, then 2x2 max pooling with stride 2.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface VGGBlock {
  /** Number of 3x3 convolutions. */
  int convs();

  /** Filters of every convolution. */
  int filters();
}
