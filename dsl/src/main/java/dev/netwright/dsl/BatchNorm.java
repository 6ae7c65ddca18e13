package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalization over channels ([C, H, W], PyTorch's BatchNorm2d) or features ([F],
 * BatchNorm1d): batch statistics in training, running averages at inference.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface BatchNorm {
  /** Weight of the newest batch in the running averages (PyTorch's momentum). */
  double momentum() default 0.1;

  /** Added to the variance before the square root. */
  double eps() default 1e-5;

  /** Whether to learn a scale and a shift per channel (PyTorch's affine). */
  boolean affine() default true;
}
