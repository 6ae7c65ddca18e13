package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Flattens [C, H, W] to [C·H·W] in (c, h, w) order, as PyTorch's {@code view(n, -1)}. A dense layer
 * flattens its input by itself; write this to make it visible or to end a network there.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Flatten {}
