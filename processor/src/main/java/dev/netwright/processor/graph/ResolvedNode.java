package dev.netwright.processor.graph;

import java.util.List;

/**
 * A node with every shape known.
 *
 * @param inputs names of the nodes it consumes, {@link NetworkSpec#INPUT} for the network input
 * @param block path of the innermost block the node belongs to ("mix1", "a.b"), "" at top level
 */
public record ResolvedNode(String name, Location at, List<String> inputs, List<ResolvedLayer> layers,
    Shape out, String block) {
  /** Learned scalars over the node's layers. */
  public long parameters() {
    return layers.stream().mapToLong(ResolvedLayer::parameters).sum();
  }

  /** Non-trainable scalars over the node's layers. */
  public long buffers() {
    return layers.stream().mapToLong(ResolvedLayer::buffers).sum();
  }

  /** Multiply-adds over the node's layers. */
  public long multiplyAdds() {
    return layers.stream().mapToLong(ResolvedLayer::multiplyAdds).sum();
  }
}
