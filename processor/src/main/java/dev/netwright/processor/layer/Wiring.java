package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import java.util.List;

/** One layer's buffers and parameters as generated code names them, for its kernel's arguments. */
public interface Wiring {
  /** The name of the field holding the kernel. */
  String kernelField();

  /** The output buffer. */
  CodeBlock out();

  /** The input buffer (the first, for a merge). */
  CodeBlock in();

  /** Every input buffer, in order. */
  List<CodeBlock> ins();

  /** The layer's window as the runtime's {@code Window}; only for a layer that has one. */
  CodeBlock window();

  /**
   * The parameter {@code name} ("weight") of the layer, by its full name; the literal null if none.
   */
  CodeBlock value(String name);

  /**
   * The gradient of the parameter {@code name}; the literal null if the layer has no such
   * parameter.
   */
  CodeBlock gradient(String name);

  /** The gradient of the output, which backward reads. */
  CodeBlock outGradient();

  /** Per input, the gradient buffer backward writes, or the literal null when it needs none. */
  List<CodeBlock> inGradients();
}
