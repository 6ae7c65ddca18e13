package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Init;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import java.util.List;

/**
 * One layer of a node, as the user wrote it, and everything each stage needs to know about its
 * kind: its rules, its shape, its parameters, its kernel and how to describe it. The stages ask a
 * layer, never which kind it is; a new kind is a class implementing this interface, registered with
 * its annotation in {@link Layers}.
 */
public interface Layer {
  /** The layer's annotation. */
  Location at();

  /** Short name for messages and the summary, e.g. "conv". */
  String label();

  /**
   * The kind in generated names, e.g. "maxPool" for {@code conv1MaxPool} and {@code
   * conv1MaxPoolOut}.
   */
  String kindName();

  /** Whether the layer merges two or more inputs (and so must come first in its node). */
  default boolean merges() {
    return false;
  }

  /** The first problem with the numbers the user wrote, before any shape is known; null if none. */
  Problem check(String node);

  /** The layer over its input: its output shape, window, parameter count and multiply-adds. */
  ResolvedLayer resolve(LayerInput input) throws Failure;

  /** How the summary and the diagram show the resolved layer, e.g. "Conv2d 1->10 5x5 s1 VALID". */
  String describe(ResolvedLayer resolved);

  /**
   * The layer's learned parameters and running state, in the order they are registered, named
   * within the layer ("weight"); {@code network} is the network's initialiser.
   */
  default List<Parameter> parameters(ResolvedLayer resolved, Init network) {
    return List.of();
  }

  /**
   * Whether the layer's parameters take its node's own name ("conv1.weight") ahead of the node's
   * other layers, which are named under it by {@link #parameterScope()} ("conv1.bn.weight").
   */
  default boolean primary() {
    return false;
  }

  /** Where the layer's parameters are named when another layer has its node's name: "bn". */
  default String parameterScope() {
    return kindName();
  }

  /**
   * The simple name of the layer's kernel class in the runtime's kernel package, or null for a
   * layer that is a view of its input (flatten) and runs nothing.
   */
  String kernelClass();

  /** How the kernel is built over the layer's buffers and parameters. */
  KernelCall newKernel(Wiring w);

  /**
   * The arguments of the kernel's {@code withGradients}: the gradient buffers its backward uses.
   */
  List<CodeBlock> gradients(Wiring w);

  /**
   * The arguments of the kernel's {@code forward}: {@code isTraining()} for a layer that needs it.
   */
  default List<CodeBlock> forwardArguments() {
    return List.of();
  }

  /** Whether, in training, the layer mixes the examples of a batch (batch statistics, one mask). */
  default boolean couplesExamples() {
    return false;
  }

  /** Whether the layer may write its output over its input: its backward needs only its output. */
  default boolean inPlace() {
    return false;
  }

  /**
   * Whether {@code next}, a layer running in place, may overwrite this layer's output: this layer's
   * backward never reads it.
   */
  default boolean outputOverwritableBy(Layer next) {
    return false;
  }

  /**
   * The layer at inference as ONNX operators (opset 17), written into {@code onnx}: nodes that read
   * its inputs and write its output, its parameters as initializers; or the identity (a layer that
   * does nothing at inference); or a refusal saying why ONNX cannot express it.
   */
  void onnx(ResolvedLayer resolved, OnnxScope onnx);

  /** Whether the layer reads a [C, H, W] input as flat [C·H·W] (dense), through a view. */
  default boolean flattensInput() {
    return false;
  }
}
