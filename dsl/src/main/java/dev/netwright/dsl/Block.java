package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a reusable block: an interface whose nodes form a sub-network, used in a network (or
 * another block) as a node whose return type is the block interface:
 *
 * <pre>{@code
 * @Block interface Skip {
 *   @Conv(filters = 16, kernel = 3, pad = 1) @Relu Node conv1();
 *   @Conv(filters = 16, kernel = 3, pad = 1) Node conv2();
 *   @Add @Relu Node out(Node conv2, Node input);
 * }
 * @Network(input = @Input(channels = 16, height = 12, width = 12))
 * interface Net { Skip res1(); Skip res2(); @Dense(10) Node fc(); }
 * }</pre>
 *
 * A parameter named {@code input} means the block's input; its last node is its output. The block's
 * parameters are named under the node that uses it ({@code res1.conv1.weight}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Block {}
