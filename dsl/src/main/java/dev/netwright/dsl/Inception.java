package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Inception module with 1x1 reductions (Szegedy et al. 2015), every convolution SAME with ReLU:
 * 1x1; 1x1 reduce then 3x3; 1x1 reduce then 5x5; 3x3 stride-1 max pooling then a 1x1 projection;
 * concatenated on channels. GoogLeNet's 3a is (64, 96, 128, 16, 32, 32).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Inception {
  /** Filters of the 1x1 branch (#1x1). */
  int conv1x1();

  /** Filters of the 1x1 reduction before the 3x3 (#3x3 reduce). */
  int reduce3x3();

  /** Filters of the 3x3 convolution (#3x3). */
  int conv3x3();

  /** Filters of the 1x1 reduction before the 5x5 (#5x5 reduce). */
  int reduce5x5();

  /** Filters of the 5x5 convolution (#5x5). */
  int conv5x5();

  /** Filters of the 1x1 projection after pooling (pool proj). */
  int poolProjection();
}
