package dev.netwright.processor.layer;

import java.util.List;

/**
 * Where a layer writes its ONNX form: the tensors it reads and must write, its parameters by their
 * full names, and the nodes and constants it adds. The writer names everything so that no two
 * tensors or nodes of the graph share a name.
 */
public interface OnnxScope {
  /**
   * The tensors the layer reads, one per input (a [C, H, W] tensor for a dense layer, unflattened).
   */
  List<String> inputs();

  /** The (first) input tensor. */
  default String input() {
    return inputs().get(0);
  }

  /** The tensor the layer's last node must write. */
  String output();

  /**
   * The full name of the layer's parameter {@code name} ("conv1.bn.weight"); null if it has none.
   */
  String parameter(String name);

  /** A name for an intermediate tensor or constant of this layer, unique in the graph. */
  String name(String part);

  /** Adds an operator of type {@code op}, named after the layer; its inputs and outputs follow. */
  OnnxNode add(String op);

  /** Adds a FLOAT constant of shape {@code dims} filled with {@code value}, called {@code name}. */
  void fill(String name, double value, long... dims);

  /** Adds a one-dimensional INT64 constant called {@code name}. */
  void int64s(String name, long... values);

  /** The layer is the identity at inference: its output is its input, and it adds no node. */
  void identity();

  /** The layer has no ONNX form at opset 17; {@code reason} says why, for the user. */
  void refuse(String reason);
}
