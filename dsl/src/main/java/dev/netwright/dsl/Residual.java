package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A residual module (He et al. 2015): a body of convolutions with SAME padding, a shortcut
 * (identity, or a linear 1x1 projection when channels or stride differ), their sum, then ReLU.
 * Parameter names follow the PyTorch lecture: {@code conv1}, {@code conv2}, ... and {@code
 * shortcut}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Residual {
  /** Filters of the body's convolutions (the bottleneck width for BOTTLENECK). */
  int filters();

  /** Stride of the first 3x3 convolution and of the projection. */
  int stride() default 1;

  /** The shortcut. */
  Projection projection() default Projection.AUTO;

  /** The body. */
  ResidualVariant variant() default ResidualVariant.BASIC;

  /** Output channels = filters x expansion, for BOTTLENECK only (4 in ResNet-50). */
  int expansion() default 4;

  /**
   * Batch norm after every convolution, convolutions without bias, as torchvision's ResNet
   * (PRE_ACTIVATION always has it, before each convolution).
   */
  boolean batchNorm() default false;
}
