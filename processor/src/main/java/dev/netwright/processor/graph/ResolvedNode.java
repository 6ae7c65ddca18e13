package dev.netwright.processor.graph;

import java.util.List;

/**
 * A node with every shape known.
 *
 * @param name what other nodes call it: a block's output node answers to the name of the node that
 *     uses the block ("res1")
 * @param path its full path, under which its parameters are named: its name, except for the last
 *     node of a user block, which is named under the block like the others ("res1.out")
 * @param inputs names of the nodes it consumes, {@link NetworkSpec#INPUT} for the network input
 * @param block path of the innermost block the node belongs to ("mix1", "a.b"), "" at top level
 */
public record ResolvedNode(
    String name,
    String path,
    Location at,
    List<String> inputs,
    List<ResolvedLayer> layers,
    Shape out,
    String block) {
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
