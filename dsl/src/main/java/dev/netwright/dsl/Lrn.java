package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Local response normalization across channels, as in AlexNet and GoogLeNet (TensorFlow's
 * tf.nn.lrn): b = a / (bias + alpha * sum of a^2 over channels c - depthRadius .. c + depthRadius)
 * ^ beta. The defaults are AlexNet's (n = 5, k = 2, alpha = 1e-4, beta = 0.75).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Lrn {
  /** Channels on each side in the sum (n = 2 * depthRadius + 1). */
  int depthRadius() default 2;

  /** k. */
  double bias() default 2.0;

  /** alpha, multiplying the sum itself (PyTorch's LocalResponseNorm divides it by n). */
  double alpha() default 1e-4;

  /** beta. */
  double beta() default 0.75;
}
