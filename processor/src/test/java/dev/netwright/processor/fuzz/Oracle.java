package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Block;
import dev.netwright.processor.fuzz.Ast.Builtin;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Ast.Node;
import dev.netwright.processor.fuzz.Shapes.Fail;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the processor should say about a network, worked out from the DSL's documented rules
 * (README, the annotations' Javadoc, PyTorch's arithmetic) with none of the processor's code:
 * whether it is valid, the shape of every top-level node, the expected unused-node warnings, and
 * for an invalid network every root-cause error with its tag and place. Arithmetic is in longs, so
 * a shape past the int range is noticed rather than wrapped.
 */
final class Oracle {
  private Oracle() {}

  /** A place in the source: a node of a network or block, or its declaration when node is null. */
  record Loc(String owner, String node) {}

  /**
   * An expected error: one of {@code tags} (any when empty) at one of {@code at} (anywhere in the
   * network or its blocks when empty). {@code usage}: the cause is written in the network itself
   * (so an error must appear within the network's own lines), not inside a block's body.
   */
  record Expect(Set<String> tags, Set<Loc> at, boolean usage, String why) {
    static Expect of(String tag, Loc at, boolean usage, String why) {
      return new Expect(Set.of(tag), Set.of(at), usage, why);
    }
  }

  /** The oracle's judgement of one network. */
  static final class Verdict {
    boolean valid;
    final List<Expect> errors = new ArrayList<>();

    /**
     * Whether the network must be refused for size alone (a dimension or a flat length past the int
     * range the generated code's shapes are written in): any error anywhere will do.
     */
    boolean tooLarge;

    final Map<String, Shape> shapes = new LinkedHashMap<>();
    Shape output;
    int classes;
    final List<String> unused = new ArrayList<>();
  }

  /** Judges {@code net} with its blocks. */
  static Verdict judge(Net net) {
    return new Judge(net).run();
  }

  /**
   * The shape {@code block} gives on {@code in}, or a failure; used by the generator to reuse a
   * block only where it fits.
   */
  static Shape blockOutput(Net net, Block block, Shape in) throws Fail {
    Judge j = new Judge(net);
    Map<String, Shape> shapes = new HashMap<>();
    shapes.put("input", in);
    return j.expandUser(block, "input", shapes, new Loc(net.name, "?"));
  }

  /** One judgement, with the state of the parse. */
  private static final class Judge {
    private final Net net;
    private final Verdict v = new Verdict();
    private final Map<String, Boolean> blockOk = new HashMap<>();
    private final Deque<String> parsing = new ArrayDeque<>();

    Judge(Net net) {
      this.net = net;
    }

    Verdict run() {
      // The processor parses every @Block first, each once, reporting its problems there.
      for (Block b : net.blocks) {
        parseBlock(b);
      }
      int before = v.errors.size();
      boolean failed = !body(net.nodes, net.name, true);
      if (failed || v.errors.size() > before) {
        return v;
      }
      if (net.nodes.isEmpty()) {
        v.errors.add(Expect.of("no-nodes", new Loc(net.name, null), true, "no nodes"));
        return v;
      }
      // A broken block the network does not use is reported, and the network itself goes on.
      graph();
      v.valid = v.errors.isEmpty();
      return v;
    }

    /** Parses a block once; whether it is usable. Its problems are reported on its own lines. */
    private boolean parseBlock(Block b) {
      Boolean cached = blockOk.get(b.name);
      if (cached != null) {
        return cached;
      }
      parsing.push(b.name);
      int before = v.errors.size();
      boolean ok = body(b.nodes, b.name, false) && v.errors.size() == before;
      if (ok && b.nodes.isEmpty()) {
        v.errors.add(Expect.of("no-nodes", new Loc(b.name, null), false, "empty block"));
        ok = false;
      }
      if (ok) {
        for (int i = 0; i < b.nodes.size(); i++) {
          Expect e = staticCheck(b.nodes, i, b.name, false);
          if (e != null) {
            v.errors.add(e);
            ok = false;
          }
        }
      }
      parsing.pop();
      blockOk.put(b.name, ok);
      return ok;
    }

    /** The declaration checks of every method; false when one failed (reported or not). */
    private boolean body(List<Node> nodes, String owner, boolean usage) {
      boolean ok = true;
      for (Node n : nodes) {
        Loc at = new Loc(owner, n.name);
        if (n.malformed()) {
          v.errors.add(Expect.of("not-a-node", at, usage, "malformed method " + n.name));
          ok = false;
          continue;
        }
        if (n.blocks.size() > 1) {
          v.errors.add(Expect.of("block-with-layers", at, usage, "two blocks on " + n.name));
          ok = false;
          continue;
        }
        if (n.userBlock != null) {
          if (parsing.contains(n.userBlock)) {
            // Where javac is told depends on which block of the cycle was parsed first.
            Set<Loc> cycle = new LinkedHashSet<>();
            for (Block b : net.blocks) {
              for (Node m : b.nodes) {
                if (m.userBlock != null) {
                  cycle.add(new Loc(b.name, m.name));
                }
              }
            }
            v.errors.add(
                new Expect(Set.of("block-cycle"), cycle, false, "cycle through " + n.userBlock));
            ok = false;
            continue;
          }
          if (!n.blocks.isEmpty() || !n.layers.isEmpty()) {
            v.errors.add(Expect.of("block-with-layers", at, usage, "layers on block " + n.name));
            ok = false;
            continue;
          }
          if (!parseBlock(net.block(n.userBlock))) {
            ok = false;
          }
        } else if (!n.blocks.isEmpty() && !n.layers.isEmpty()) {
          v.errors.add(Expect.of("block-with-layers", at, usage, "layers on block " + n.name));
          ok = false;
        }
      }
      return ok;
    }

    private void graph() {
      int before = v.errors.size();
      Loc decl = new Loc(net.name, null);
      for (int[] d : new int[][] {{net.channels}, {net.height}, {net.width}}) {
        if (d[0] <= 0) {
          v.errors.add(Expect.of("non-positive", decl, true, "input size " + d[0]));
        }
      }
      if (net.classes != null && net.classes <= 0) {
        v.errors.add(Expect.of("non-positive", decl, true, "classes " + net.classes));
      }
      if (v.errors.size() > before) {
        return;
      }
      Map<String, Shape> shapes = new HashMap<>();
      shapes.put("input", Shape.map(net.channels, net.height, net.width));
      Set<String> failed = new HashSet<>();
      Set<String> consumed = new HashSet<>();
      String previous = "input";
      for (int i = 0; i < net.nodes.size(); i++) {
        Node n = net.nodes.get(i);
        List<String> inputs = n.params.isEmpty() ? List.of(previous) : n.params;
        previous = n.name;
        consumed.addAll(inputs);
        Expect e = staticCheck(net.nodes, i, net.name, true);
        if (e != null) {
          v.errors.add(e);
          failed.add(n.name);
          continue;
        }
        if (inputs.stream().anyMatch(failed::contains)) {
          failed.add(n.name);
          continue;
        }
        try {
          Shape out = resolve(n, inputs, shapes, new Loc(net.name, n.name));
          shapes.put(n.name, out);
          v.shapes.put(n.name, out);
        } catch (Fail f) {
          v.errors.add(f.expect);
          v.tooLarge |= f.tooLarge;
          failed.add(n.name);
        }
      }
      if (!failed.isEmpty()) {
        return;
      }
      Node last = net.nodes.get(net.nodes.size() - 1);
      Shape out = shapes.get(last.name);
      v.output = out;
      Set<Loc> lastAt = new LinkedHashSet<>(List.of(new Loc(net.name, last.name)));
      if (last.userBlock != null) {
        lastAt.addAll(blockLocs(net.block(last.userBlock), new HashSet<>()));
      }
      String head = net.headName();
      Integer written = net.classes;
      switch (head) {
        case "SOFTMAX_CROSS_ENTROPY":
          if (!out.flat()) {
            v.errors.add(new Expect(Set.of("head"), lastAt, true, "softmax head on " + out));
          } else if (written != null && written != out.c()) {
            v.errors.add(Expect.of("classes", decl, true, "classes " + written + " vs " + out));
          }
          v.classes = (int) out.c();
          break;
        case "SIGMOID_BINARY_CROSS_ENTROPY":
          if (!out.flat() || out.c() != 1) {
            v.errors.add(new Expect(Set.of("head"), lastAt, true, "binary head on " + out));
          } else if (written != null && written != 2) {
            v.errors.add(Expect.of("classes", decl, true, "binary classes " + written));
          }
          v.classes = 2;
          break;
        case "MEAN_SQUARED_ERROR":
          {
            long outputs = out.flat() ? out.c() : 0;
            if (written != null && written != outputs) {
              v.errors.add(
                  Expect.of("classes", decl, true, "mse classes " + written + " vs " + out));
            }
            v.classes = (int) outputs;
            break;
          }
        default:
          v.classes = written == null ? 0 : written;
      }
      if (v.errors.size() > before) {
        return;
      }
      for (Node n : net.nodes) {
        if (n != last && !consumed.contains(n.name)) {
          v.unused.add(n.name);
        }
      }
    }

    /** Every node line of {@code b} and of the blocks it uses: where its expansion may fail. */
    private Set<Loc> blockLocs(Block b, Set<String> seen) {
      Set<Loc> out = new LinkedHashSet<>();
      if (b == null || !seen.add(b.name)) {
        return out;
      }
      for (Node n : b.nodes) {
        out.add(new Loc(b.name, n.name));
        if (n.userBlock != null) {
          out.addAll(blockLocs(net.block(n.userBlock), seen));
        }
      }
      return out;
    }

    /** The output of node {@code n} reading {@code inputs}, or its failure. */
    private Shape resolve(Node n, List<String> inputs, Map<String, Shape> shapes, Loc at)
        throws Fail {
      if (n.userBlock != null || !n.blocks.isEmpty()) {
        if (inputs.size() != 1) {
          throw Fail.of("input-count", at, "block with " + inputs.size() + " inputs");
        }
        Shape in = shapes.get(inputs.get(0));
        if (n.userBlock != null) {
          try {
            return expandUser(net.block(n.userBlock), inputs.get(0), shapes, at);
          } catch (Fail f) {
            if (f.tooLarge) {
              throw f;
            }
            // Failing inside the block: javac may be told there (the layer that fails, which the
            // message names by its path under this node) or at this use. The block's lines count
            // as the network's own: each generated block belongs to one network.
            Set<Loc> places = new LinkedHashSet<>(f.expect.at());
            places.add(at);
            throw new Fail(new Expect(f.expect.tags(), places, false, f.expect.why()), false);
          }
        }
        return Shapes.block(n.blocks.get(0), in, at);
      }
      Layer first = n.layers.get(0);
      List<Layer> rest = n.layers;
      Shape shape;
      if (first instanceof Ast.Simple s && s.kind().merges()) {
        if (inputs.size() < 2) {
          throw Fail.of("input-count", at, "merge with " + inputs.size() + " input");
        }
        shape = Shapes.merge(s.kind(), inputs, shapes, at);
        rest = n.layers.subList(1, n.layers.size());
      } else {
        if (inputs.size() != 1) {
          throw Fail.of("input-count", at, "layer with " + inputs.size() + " inputs");
        }
        shape = shapes.get(inputs.get(0));
      }
      for (Layer l : rest) {
        shape = Shapes.layer(l, shape, at, n.name);
      }
      return shape;
    }

    /** A user block used on input {@code input}: its last node's output. */
    Shape expandUser(Block b, String input, Map<String, Shape> outer, Loc use) throws Fail {
      Map<String, Shape> shapes = new HashMap<>();
      shapes.put("input", outer.get(input));
      String previous = "input";
      Shape out = null;
      for (Node n : b.nodes) {
        List<String> inputs = n.params.isEmpty() ? List.of(previous) : n.params;
        previous = n.name;
        out = resolve(n, inputs, shapes, new Loc(b.name, n.name));
        shapes.put(n.name, out);
      }
      return out;
    }

    private static int or(Integer v, int otherwise) {
      return v == null ? otherwise : v;
    }

    /**
     * The first problem of node {@code i} that needs no shapes: its name, its references, a missing
     * layer, a block's numbers, a merge out of place, then each layer's numbers in order.
     */
    private Expect staticCheck(List<Node> scope, int i, String owner, boolean usage) {
      Node n = scope.get(i);
      Loc at = new Loc(owner, n.name);
      if (n.name.equals("input")) {
        return Expect.of("reserved-name", at, usage, "node called input");
      }
      for (int j = 0; j < i; j++) {
        if (scope.get(j).name.equals(n.name)) {
          return Expect.of("duplicate-node", at, usage, "second " + n.name);
        }
      }
      Set<String> earlier = new HashSet<>(List.of("input"));
      for (int j = 0; j < i; j++) {
        earlier.add(scope.get(j).name);
      }
      for (String ref : n.params) {
        if (earlier.contains(ref)) {
          continue;
        }
        boolean later = scope.stream().anyMatch(m -> m.name.equals(ref));
        return Expect.of(later ? "forward-reference" : "unknown-input", at, usage, "input " + ref);
      }
      if (n.layers.isEmpty() && n.blocks.isEmpty() && n.userBlock == null) {
        return Expect.of("no-layer", at, usage, "no layer");
      }
      if (!n.blocks.isEmpty() && !blockNumbersPositive(n.blocks.get(0))) {
        return Expect.of("non-positive", at, usage, "block width");
      }
      for (int j = 0; j < n.layers.size(); j++) {
        Layer l = n.layers.get(j);
        if (j > 0 && l instanceof Ast.Simple s && s.kind().merges()) {
          return Expect.of("merge-position", at, usage, "merge not first");
        }
        String tag = l.badNumbers();
        if (tag != null) {
          return Expect.of(tag, at, usage, "numbers of " + l);
        }
      }
      return null;
    }

    private static boolean blockNumbersPositive(Builtin b) {
      int[] values;
      if (b instanceof Ast.Vgg g) {
        values = new int[] {g.convs(), g.filters()};
      } else if (b instanceof Ast.Naive g) {
        values = new int[] {g.c1(), g.c3(), g.c5()};
      } else if (b instanceof Ast.Inception g) {
        values = new int[] {g.c1(), g.r3(), g.c3(), g.r5(), g.c5(), g.pp()};
      } else if (b instanceof Ast.InceptionA g) {
        values =
            new int[] {
              or(g.c1(), 1),
              or(g.r5(), 1),
              or(g.c5(), 1),
              or(g.r3(), 1),
              or(g.c3(), 1),
              or(g.pp(), 1)
            };
      } else {
        Ast.Residual r = (Ast.Residual) b;
        values = new int[] {r.filters(), or(r.stride(), 1), or(r.expansion(), 1)};
      }
      for (int x : values) {
        if (x <= 0) {
          return false;
        }
      }
      return true;
    }
  }
}
