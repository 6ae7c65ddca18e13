package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Group normalization (PyTorch's {@code GroupNorm(groups, channels, eps, affine)}): per example,
 * the channels are split into {@code groups} groups of consecutive channels, each normalised over
 * its channels and every position with its own mean and biased variance, then scaled and shifted
 * per channel. It uses no batch statistics, so it behaves the same in training and at inference and
 * on any batch size. A flat [F] input counts as F channels.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GroupNorm {
  /** Number of groups; must divide the channel count (1 normalises each example as a whole). */
  int groups();

  /** Added to the variance before the square root. */
  double eps() default 1e-5;

  /** Whether to learn a scale and a shift per channel (PyTorch's affine). */
  boolean affine() default true;
}
