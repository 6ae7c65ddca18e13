package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The PyTorch lecture's InceptionA, without activations inside: branch1x1 1x1 (16); branch5x5 1x1
 * (16) then 5x5 pad 2 (24); branch3x3 1x1 (16) then 3x3 pad 1 (24) then 3x3 pad 1 (24); branch_pool
 * 3x3 stride-1 average pooling pad 1 then 1x1 (24); concatenated in that order (88 channels with
 * the defaults). Parameter names follow the lecture's module.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface InceptionA {
  /** Filters of branch1x1. */
  int conv1x1() default 16;

  /** Filters of the 1x1 before the 5x5. */
  int reduce5x5() default 16;

  /** Filters of the 5x5. */
  int conv5x5() default 24;

  /** Filters of the 1x1 before the 3x3 pair. */
  int reduce3x3() default 16;

  /** Filters of both 3x3 convolutions. */
  int conv3x3() default 24;

  /** Filters of the 1x1 after average pooling. */
  int poolProjection() default 24;
}
