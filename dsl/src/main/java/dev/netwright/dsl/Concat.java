package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Concatenates the node's inputs on channels (torch.cat(dim=1), Keras' concatenate): every input
 * must have the same height and width. Name two or more earlier nodes as the method's parameters.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Concat {}
