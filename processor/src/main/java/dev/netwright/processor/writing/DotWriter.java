package dev.netwright.processor.writing;

import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import dev.netwright.processor.graph.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The network as a Graphviz DOT digraph, like Keras' {@code plot_model(show_shapes=True)}: a box
 * per node with its layers, the shape on every edge, each block a cluster, so parallel branches sit
 * side by side.
 */
final class DotWriter {
  private DotWriter() {}

  static String write(ResolvedNetwork network) {
    Map<String, String> titles = new HashMap<>();
    network.blocks().forEach(b -> titles.put(b.path(), b.title()));
    Map<String, Shape> shapes = new HashMap<>();
    shapes.put(NetworkSpec.INPUT, network.input());
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(quote(network.name())).append(" {\n");
    out.append("  rankdir=TB;\n");
    out.append(
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=10];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    out.append("  ")
        .append(quote(NetworkSpec.INPUT))
        .append(" [label=")
        .append(quote("input\n" + network.input()))
        .append(", fillcolor=\"#dde8f5\"];\n");
    Deque<String> open = new ArrayDeque<>();
    for (ResolvedNode node : network.nodes()) {
      String block = node.block();
      while (!open.isEmpty()
          && !block.equals(open.peek())
          && !block.startsWith(open.peek() + ".")) {
        open.pop();
        out.append(indent(open.size())).append("}\n");
      }
      Deque<String> opening = new ArrayDeque<>();
      for (String p = block; !p.isEmpty() && !p.equals(open.peek()); p = parent(p)) {
        opening.push(p);
      }
      for (String p : opening) {
        out.append(indent(open.size()))
            .append("subgraph ")
            .append(quote("cluster_" + p))
            .append(" {\n");
        out.append(indent(open.size() + 1))
            .append("label=")
            .append(quote(p + ": " + titles.get(p)))
            .append("; style=\"rounded,dashed\"; fontname=\"Helvetica\"; fontsize=10;\n");
        open.push(p);
      }
      String layers =
          node.layers().stream().map(l -> l.layer().describe(l)).collect(Collectors.joining("\n"));
      out.append(indent(open.size()))
          .append(quote(node.name()))
          .append(" [label=")
          .append(quote(node.name() + "\n" + layers + "\n" + node.out()))
          .append("];\n");
      shapes.put(node.name(), node.out());
    }
    while (!open.isEmpty()) {
      open.pop();
      out.append(indent(open.size())).append("}\n");
    }
    for (ResolvedNode node : network.nodes()) {
      for (String in : node.inputs()) {
        out.append("  ")
            .append(quote(in))
            .append(" -> ")
            .append(quote(node.name()))
            .append(" [label=")
            .append(quote(shapes.get(in).toString()))
            .append("];\n");
      }
    }
    out.append("}\n");
    return out.toString();
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static String indent(int depth) {
    return "  ".repeat(depth + 1);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
