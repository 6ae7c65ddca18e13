package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Average pooling: PyTorch's {@code AvgPool2d}. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AvgPool {
  /** Window height and width. */
  int value();

  /** Step between windows; 0 (the default) means the window size, as in PyTorch. */
  int stride() default 0;

  /** VALID or SAME; writing {@link #pad} means explicit padding (and SAME with it is an error). */
  Padding padding() default Padding.VALID;

  /**
   * Explicit padding on each side, as PyTorch's {@code padding=}; writing it means explicit
   * padding.
   */
  int pad() default 0;

  /** What to do when the window does not tile the padded input exactly. */
  Rounding rounding() default Rounding.EXACT;

  /**
   * Whether padded zeros count in the average (PyTorch's {@code count_include_pad}, true by
   * default). SAME padding never counts them, as in TensorFlow.
   */
  boolean countPadding() default true;
}
