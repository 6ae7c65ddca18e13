package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Block;
import dev.netwright.processor.fuzz.Ast.Builtin;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Ast.Node;
import dev.netwright.processor.fuzz.Oracle.Loc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes networks as Java source, one node per line, and remembers which line holds what: the
 * {@code @Network} or {@code @Block} annotation and the {@code interface} line stand for the
 * declaration ({@code Loc(owner, null)}), every other line for one node.
 */
final class Renderer {
  static final String PACKAGE = "fuzz";

  /** A rendered file: its binary name ("fuzz.F3"), text, and what each line (from 1) holds. */
  record File(String name, String text, Map<Integer, Line> lines) {}

  /**
   * What one line holds: a place, the network it belongs to, and whether it is in the network
   * itself.
   */
  record Line(Loc loc, String network, boolean inNetwork) {}

  private Renderer() {}

  /** One file holding {@code nets}, each preceded by its blocks. */
  static File file(String name, List<Net> nets) {
    List<String> out = new ArrayList<>();
    Map<Integer, Line> lines = new HashMap<>();
    out.add("package " + PACKAGE + ";");
    out.add("import dev.netwright.dsl.*;");
    for (Net net : nets) {
      for (Block b : net.blocks) {
        Loc decl = new Loc(b.name, null);
        add(out, lines, "@Block", new Line(decl, net.name, false));
        add(out, lines, "interface " + b.name + " {", new Line(decl, net.name, false));
        for (Node n : b.nodes) {
          add(
              out,
              lines,
              "  " + node(n, new Random(seed(net, b.name, n.name))),
              new Line(new Loc(b.name, n.name), net.name, false));
        }
        add(out, lines, "}", new Line(decl, net.name, false));
      }
      Loc decl = new Loc(net.name, null);
      add(out, lines, network(net), new Line(decl, net.name, true));
      add(out, lines, "interface " + net.name + " {", new Line(decl, net.name, true));
      for (Node n : net.nodes) {
        add(
            out,
            lines,
            "  " + node(n, new Random(seed(net, net.name, n.name))),
            new Line(new Loc(net.name, n.name), net.name, true));
      }
      add(out, lines, "}", new Line(decl, net.name, true));
    }
    return new File(name, String.join("\n", out) + "\n", lines);
  }

  /** The source of one network and its blocks alone, for failure reports. */
  static String source(Net net) {
    return file(PACKAGE + ".Repro", List.of(net)).text();
  }

  private static long seed(Net net, String owner, String node) {
    return (net.name + "/" + owner + "/" + node).hashCode();
  }

  private static void add(List<String> out, Map<Integer, Line> lines, String text, Line line) {
    out.add(text);
    lines.put(out.size(), line);
  }

  static String network(Net net) {
    List<String> attrs = new ArrayList<>();
    attrs.add(
        "input = @Input(channels = "
            + net.channels
            + ", height = "
            + net.height
            + ", width = "
            + net.width
            + ")");
    if (net.classes != null) {
      attrs.add("classes = " + net.classes);
    }
    if (net.head != null) {
      attrs.add("head = Head." + net.head);
    }
    if (net.init != null) {
      attrs.add("init = Init." + net.init);
    }
    return "@Network(" + String.join(", ", attrs) + ")";
  }

  /** One node: its annotations, modifiers, return type, name and parameters, on one line. */
  static String node(Node n, Random r) {
    StringBuilder s = new StringBuilder();
    for (Layer l : n.layers) {
      s.append(l.render(r)).append(' ');
    }
    for (Builtin b : n.blocks) {
      s.append(builtin(b, r)).append(' ');
    }
    String type = n.returnType != null ? n.returnType : n.userBlock != null ? n.userBlock : "Node";
    String body = ";";
    if (n.modifier != null) {
      switch (n.modifier) {
        case "generic":
          s.append("<T> ");
          break;
        default:
          s.append(n.modifier).append(' ');
          body =
              type.equals("void")
                  ? " {}"
                  : type.equals("int") ? " { return 0; }" : " { return null; }";
      }
    }
    s.append(type).append(' ').append(n.name).append('(');
    List<String> params = new ArrayList<>();
    for (int i = 0; i < n.params.size(); i++) {
      String t = i == 0 && n.paramType != null ? n.paramType : "Node";
      boolean last = i == n.params.size() - 1;
      params.add((n.varargs && last ? t + "..." : t) + " " + n.params.get(i));
    }
    if (n.params.isEmpty() && n.paramType != null) {
      params.add(n.paramType + " size");
    }
    if (n.params.isEmpty() && n.varargs) {
      params.add("Node... more");
    }
    s.append(String.join(", ", params)).append(')').append(body);
    return s.toString();
  }

  static String builtin(Builtin b, Random r) {
    List<String> a = new ArrayList<>();
    if (b instanceof Ast.Vgg g) {
      a.add("convs = " + g.convs());
      a.add("filters = " + g.filters());
      return annotation("VGGBlock", a, r);
    }
    if (b instanceof Ast.Naive g) {
      a.add("conv1x1 = " + g.c1());
      a.add("conv3x3 = " + g.c3());
      a.add("conv5x5 = " + g.c5());
      return annotation("NaiveInception", a, r);
    }
    if (b instanceof Ast.Inception g) {
      a.add("conv1x1 = " + g.c1());
      a.add("reduce3x3 = " + g.r3());
      a.add("conv3x3 = " + g.c3());
      a.add("reduce5x5 = " + g.r5());
      a.add("conv5x5 = " + g.c5());
      a.add("poolProjection = " + g.pp());
      return annotation("Inception", a, r);
    }
    if (b instanceof Ast.InceptionA g) {
      opt(a, "conv1x1", g.c1());
      opt(a, "reduce5x5", g.r5());
      opt(a, "conv5x5", g.c5());
      opt(a, "reduce3x3", g.r3());
      opt(a, "conv3x3", g.c3());
      opt(a, "poolProjection", g.pp());
      return a.isEmpty() ? "@InceptionA" : annotation("InceptionA", a, r);
    }
    Ast.Residual g = (Ast.Residual) b;
    a.add("filters = " + g.filters());
    opt(a, "stride", g.stride());
    if (g.projection() != null) {
      a.add("projection = Projection." + g.projection());
    }
    if (g.variant() != null) {
      a.add("variant = ResidualVariant." + g.variant());
    }
    opt(a, "expansion", g.expansion());
    opt(a, "batchNorm", g.batchNorm());
    return annotation("Residual", a, r);
  }

  /** Attributes in a random order: javac and the processor must not care. */
  static String annotation(String name, List<String> attrs, Random r) {
    List<String> a = new ArrayList<>(attrs);
    Collections.shuffle(a, r);
    return "@" + name + "(" + String.join(", ", a) + ")";
  }

  /** {@code name = value} when the value is written. */
  static void opt(List<String> a, String name, Object value) {
    if (value != null) {
      a.add(name + " = " + value);
    }
  }

  /** {@code name = value} as a Java expression when the value is written. */
  static void optReal(List<String> a, String name, Double value) {
    if (value != null) {
      a.add(name + " = " + Ast.lit(value));
    }
  }
}
