package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The naive Inception module: parallel 1x1, 3x3 and 5x5 convolutions (SAME, ReLU) and a 3x3
 * stride-1 SAME max pooling of the input, concatenated on channels. Output channels: conv1x1 +
 * conv3x3 + conv5x5 + input channels.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface NaiveInception {
  /** Filters of the 1x1 branch. */
  int conv1x1();

  /** Filters of the 3x3 branch. */
  int conv3x3();

  /** Filters of the 5x5 branch. */
  int conv5x5();
}
