package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a network: an interface whose abstract methods returning {@link Node} are its nodes, in
 * source order. The processor generates {@code <Interface>Model} beside it.
 *
 * <pre>{@code
 * @Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
 * interface SimpleNet {
 *   @Conv(filters = 10, kernel = 5) @MaxPool(2) @Relu Node conv1();
 *   @Conv(filters = 20, kernel = 5) @MaxPool(2) @Relu Node conv2();
 *   @Dense(value = 10, inFeatures = 320) Node fc();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
  /** Shape of one input example, channels first. */
  Input input();

  /**
   * Number of classes the head scores. 0 (the default) takes it from the last node; any other value
   * is checked against the last node's output size.
   */
  int classes() default 0;

  /** Loss applied to the last node's output in training. */
  Head head() default Head.SOFTMAX_CROSS_ENTROPY;

  /** How convolution and dense weights start, unless a layer says otherwise. */
  Init init() default Init.PYTORCH;
}
