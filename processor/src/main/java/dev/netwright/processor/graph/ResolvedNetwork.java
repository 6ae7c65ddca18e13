package dev.netwright.processor.graph;

import java.util.List;

/**
 * A network with every shape resolved and validated: what the writers generate from.
 *
 * @param classes the number of classes the head scores, 0 without a head
 */
public record ResolvedNetwork(String name, Shape input, List<ResolvedNode> nodes, boolean softmaxHead,
    int classes) {
  /** The node whose output is the network's output. */
  public ResolvedNode output() {
    return nodes.get(nodes.size() - 1);
  }

  /** Learned scalars over all nodes. */
  public long parameters() {
    return nodes.stream().mapToLong(ResolvedNode::parameters).sum();
  }

  /** Multiply-adds per example over all nodes. */
  public long multiplyAdds() {
    return nodes.stream().mapToLong(ResolvedNode::multiplyAdds).sum();
  }
}
