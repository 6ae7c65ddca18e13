package dev.netwright.processor.graph;

import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import java.util.List;

/**
 * A network with every shape resolved and validated: what the writers generate from.
 *
 * @param classes the number of classes the head scores, 0 without a head
 * @param init the network's weight initialiser; DEFAULT is PyTorch's
 * @param blocks every expanded block, in order, by path
 */
public record ResolvedNetwork(
    String name,
    Shape input,
    List<ResolvedNode> nodes,
    Head head,
    int classes,
    Init init,
    List<Block> blocks) {
  /** Whether the network has a loss of its own. */
  public boolean hasHead() {
    return head != Head.NONE;
  }

  /** Non-trainable scalars over all nodes. */
  public long buffers() {
    return nodes.stream().mapToLong(ResolvedNode::buffers).sum();
  }

  /**
   * An expanded block: its path (the name of its output node too, except for a block that is the
   * last node of another block, whose output answers to the outer block's name) and title.
   */
  public record Block(String path, String title) {
    /** The enclosing block's path, "" at top level. */
    public String parent() {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? "" : path.substring(0, dot);
    }
  }

  /** The nodes written in the network itself (block outputs stand for their blocks). */
  public java.util.List<ResolvedNode> topLevel() {
    return nodes.stream().filter(n -> n.name().indexOf('.') < 0).toList();
  }

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
