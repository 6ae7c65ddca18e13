package dev.netwright.processor.graph;

import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import dev.netwright.processor.layer.Layer;
import java.util.List;

/**
 * A network as written, before any shape is known: what the source stage hands the graph stage.
 *
 * @param classes the written {@code classes} value, or null when left to the last node
 * @param init the network's weight initialiser; DEFAULT is PyTorch's
 */
public record NetworkSpec(
    String name,
    Location at,
    Value channels,
    Value height,
    Value width,
    Value classes,
    Head head,
    Init init,
    List<NodeSpec> nodes) {

  /** A reference to an input by name: an earlier node, or "input" for the network input. */
  public record Ref(String name, Location at) {}

  /**
   * One node as written.
   *
   * @param inputs the named inputs; empty means the previous node (or the network input)
   * @param block the block this node is written as, or null for a node of layers
   */
  public record NodeSpec(
      String name, Location at, List<Ref> inputs, List<Layer> layers, BlockSpec block) {
    /** A node of layers. */
    public NodeSpec(String name, Location at, List<Ref> inputs, List<Layer> layers) {
      this(name, at, inputs, layers, null);
    }
  }

  /** The reserved reference to the network input. */
  public static final String INPUT = "input";
}
