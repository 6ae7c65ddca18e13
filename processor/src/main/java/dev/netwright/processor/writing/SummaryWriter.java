package dev.netwright.processor.writing;

import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The summary table, computed at compile time: a row per layer, like torchinfo's. */
final class SummaryWriter {
  private SummaryWriter() {}

  static String table(ResolvedNetwork network) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Node", "Layer", "Output shape", "Param #", "Mult-adds"});
    rows.add(new String[] {"input", "Input", network.input().toString(), "", ""});
    java.util.Map<String, String> titles = new java.util.HashMap<>();
    network.blocks().forEach(b -> titles.put(b.path(), b.title()));
    java.util.Deque<String> open = new java.util.ArrayDeque<>();
    for (ResolvedNode node : network.nodes()) {
      String block = node.block();
      while (!open.isEmpty()
          && !block.equals(open.peek())
          && !block.startsWith(open.peek() + ".")) {
        open.pop();
      }
      List<String> opening = new ArrayList<>();
      for (String p = block; !p.isEmpty() && !p.equals(open.peek()); p = parent(p)) {
        opening.add(0, p);
      }
      for (String p : opening) {
        long params = 0;
        long macs = 0;
        String shape = "";
        for (ResolvedNode member : network.nodes()) {
          if (member.block().equals(p) || member.block().startsWith(p + ".")) {
            params += member.parameters();
            macs += member.multiplyAdds();
            shape = member.out().toString(); // the last member is the block's output
          }
        }
        rows.add(
            new String[] {
              indent(open.size()) + relative(p, parent(p)),
              titles.get(p),
              shape,
              number(params),
              number(macs)
            });
        open.push(p);
      }
      boolean first = true;
      // A block's output answers to the name of the node that uses the block, not a name inside it.
      String label =
          block.isEmpty() || node.name().startsWith(block + ".")
              ? relative(node.name(), block)
              : "(output)";
      for (ResolvedLayer layer : node.layers()) {
        rows.add(
            new String[] {
              first ? indent(open.size()) + label : "",
              layer.layer().describe(layer),
              layer.out().toString(),
              number(layer.parameters()),
              number(layer.multiplyAdds())
            });
        first = false;
      }
    }
    int[] width = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("Network ").append(network.name()).append('\n');
    String rule = "-".repeat(width[0] + width[1] + width[2] + width[3] + width[4] + 8) + "\n";
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      out.append(
              String.format(
                      Locale.ROOT,
                      "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %" + width[3]
                          + "s  %" + width[4] + "s",
                      (Object[]) row)
                  .stripTrailing())
          .append('\n');
      if (r == 0) {
        out.append(rule);
      }
    }
    out.append(rule);
    out.append("Parameters: ")
        .append(number(network.parameters() + network.buffers()))
        .append(" (trainable ")
        .append(number(network.parameters()))
        .append(", non-trainable ")
        .append(number(network.buffers()))
        .append(")\n");
    out.append("Mult-adds per example: ").append(number(network.multiplyAdds())).append('\n');
    out.append("Head: ")
        .append(
            switch (network.head()) {
              case SOFTMAX_CROSS_ENTROPY ->
                  "softmax cross-entropy over " + network.classes() + " classes";
              case SIGMOID_BINARY_CROSS_ENTROPY ->
                  "sigmoid binary cross-entropy (class 1 when p > 0.5)";
              case MEAN_SQUARED_ERROR -> "mean squared error";
              case NONE -> "none (backward takes the output gradient)";
            })
        .append('\n');
    return out.toString();
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static String relative(String name, String block) {
    return block.isEmpty() ? name : name.substring(block.length() + 1);
  }

  private static String indent(int depth) {
    return "  ".repeat(depth);
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
