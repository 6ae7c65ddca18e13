package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import java.util.List;

/**
 * How generated code builds a kernel: {@code new Kernel(arguments)}, or with a static factory
 * {@code Kernel.factory(arguments)}. Arguments go in the runtime's order: outputs, inputs, sizes.
 *
 * @param factory the factory method's name, or null for the constructor
 */
public record KernelCall(String factory, List<CodeBlock> arguments) {
  /** {@code new Kernel(arguments)}. */
  static KernelCall of(CodeBlock... arguments) {
    return new KernelCall(null, List.of(arguments));
  }

  /** {@code Kernel.factory(arguments)}. */
  static KernelCall factory(String factory, CodeBlock... arguments) {
    return new KernelCall(factory, List.of(arguments));
  }
}
