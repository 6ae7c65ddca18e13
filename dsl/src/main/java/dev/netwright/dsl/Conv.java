package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D convolution with square kernels: PyTorch's {@code Conv2d}, weights [filters, in / groups, k,
 * k].
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv {
  /** Output channels. */
  int filters();

  /** Kernel height and width. */
  int kernel();

  /** Step between windows. */
  int stride() default 1;

  /** VALID or SAME; writing {@link #pad} means explicit padding (and SAME with it is an error). */
  Padding padding() default Padding.VALID;

  /**
   * Explicit zero padding on each side, as PyTorch's {@code padding=}; writing it means explicit
   * padding.
   */
  int pad() default 0;

  /** Whether to add a learned bias per output channel. */
  boolean bias() default true;

  /** What to do when the window does not tile the padded input exactly. */
  Rounding rounding() default Rounding.EXACT;

  /** How the weights start; DEFAULT takes the network's {@code init}. */
  Init init() default Init.DEFAULT;

  /**
   * Grouped convolution (PyTorch's {@code groups=}): input channels and filters are split into this
   * many groups, and each group of filters sees only its group of input channels. It must divide
   * both; groups = input channels is a depthwise convolution.
   */
  int groups() default 1;
}
