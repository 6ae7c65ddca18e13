package dev.netwright.processor.graph;

import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import java.util.List;
import java.util.Map;

/** Shape rules of the layers that merge several inputs: concat and add. */
final class Merges {
  private Merges() {}

  static ResolvedLayer resolve(Layer layer, NodeSpec node, List<String> inputs, Map<String, Shape> shapes)
      throws Failure {
    Shape first = shapes.get(inputs.get(0));
    if (layer instanceof Layer.Concat) {
      int channels = 0;
      for (int k = 0; k < inputs.size(); k++) {
        Shape s = shapes.get(inputs.get(k));
        if (s.flat()) {
          throw new Failure(Messages.concatFlat(node.name(), inputs.get(k), s), at(node, k));
        }
        if (s.height() != first.height() || s.width() != first.width()) {
          throw new Failure(
              Messages.concatShape(node.name(), inputs.get(0), first, inputs.get(k), s), at(node, k));
        }
        channels += s.channels();
      }
      return new ResolvedLayer(layer, first, Shape.map(channels, first.height(), first.width()), null, 0, 0);
    }
    for (int k = 1; k < inputs.size(); k++) {
      Shape s = shapes.get(inputs.get(k));
      if (!s.equals(first)) {
        throw new Failure(Messages.addShape(node.name(), inputs.get(0), first, inputs.get(k), s), at(node, k));
      }
    }
    return new ResolvedLayer(layer, first, first, null, 0, 0);
  }

  /** The parameter naming input {@code k}, or the node when inputs were implied. */
  private static Location at(NodeSpec node, int k) {
    return k < node.inputs().size() ? node.inputs().get(k).at() : node.at();
  }
}
