package dev.netwright.processor.layer;

import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Shape;
import java.util.List;

/**
 * What a layer is resolved over.
 *
 * @param node the node's name, for messages
 * @param from how messages name where the input comes from ("its input 'conv1'", "the relu before
 *     it")
 * @param inputs every input of the node for a merging layer, the single input otherwise
 */
public record LayerInput(String node, String from, List<Input> inputs) {
  /**
   * One input: the node it comes from (null for the layer before, within a node), its shape, and
   * where it is named (the method's parameter, else the node).
   */
  public record Input(String name, Shape shape, Location at) {}

  /** The (first) input's shape. */
  public Shape shape() {
    return inputs.get(0).shape();
  }
}
