package dev.netwright.processor.fuzz;

import dev.netwright.processor.fuzz.Ast.Block;
import dev.netwright.processor.fuzz.Ast.Builtin;
import dev.netwright.processor.fuzz.Ast.Kind;
import dev.netwright.processor.fuzz.Ast.Layer;
import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Ast.Node;
import dev.netwright.processor.fuzz.Ast.Simple;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Breaks a valid network with one fault of a kind a user makes: a bad reference, a number out of
 * range, a window too large, shapes that do not join, a method that is not a node, a block that
 * uses itself... The oracle, not the mutator, decides what the fault does. One short method per
 * fault, all in this file so that {@link #FAULTS} and the methods stay in step.
 */
final class Mutator {
  /** The faults, some listed twice to draw them more often. */
  static final String[] FAULTS = {
    "unknown-input",
    "forward-reference",
    "non-positive",
    "non-positive",
    "window-too-large",
    "window-too-large",
    "inexact-output",
    "inexact-output",
    "merge-mismatch",
    "merge-mismatch",
    "dense-input",
    "needs-spatial",
    "needs-flat",
    "padding-conflict",
    "pad-too-large",
    "out-of-range",
    "out-of-range",
    "head",
    "classes",
    "not-a-node",
    "not-a-node",
    "no-layer",
    "duplicate-node",
    "merge-position",
    "input-count",
    "input-count",
    "block-with-layers",
    "block-cycle",
    "residual-shape",
    "extreme",
    "no-nodes",
    "groups",
    "groups"
  };

  private final Net net;
  private final Random r;

  Mutator(Net net, Random r) {
    this.net = net;
    this.r = r;
  }

  /** A node in its scope. */
  private record Site(String owner, List<Node> scope, int index) {
    Node node() {
      return scope.get(index);
    }
  }

  /** A layer of a node. */
  private record LayerSite(Site site, int index) {
    Layer layer() {
      return site.node().layers.get(index);
    }

    void set(Layer l) {
      site.node().layers.set(index, l);
    }
  }

  /** Applies one fault drawn at random; its name, or null when it found nothing to break. */
  String apply() {
    String fault = FAULTS[r.nextInt(FAULTS.length)];
    boolean done =
        switch (fault) {
          case "unknown-input" -> unknownInput();
          case "forward-reference" -> forwardReference();
          case "non-positive" -> nonPositive();
          case "window-too-large" -> windowTooLarge();
          case "inexact-output" -> inexact();
          case "merge-mismatch" -> mergeMismatch();
          case "dense-input" -> denseInput();
          case "needs-spatial" -> needsSpatial();
          case "needs-flat" -> needsFlat();
          case "padding-conflict" -> paddingConflict();
          case "pad-too-large" -> padTooLarge();
          case "out-of-range" -> outOfRange();
          case "head" -> head();
          case "classes" -> classes();
          case "not-a-node" -> notANode();
          case "no-layer" -> noLayer();
          case "duplicate-node" -> duplicateNode();
          case "merge-position" -> mergePosition();
          case "input-count" -> inputCount();
          case "block-with-layers" -> blockWithLayers();
          case "block-cycle" -> blockCycle();
          case "residual-shape" -> residualShape();
          case "extreme" -> extreme();
          case "no-nodes" -> noNodes();
          case "groups" -> groups();
          default -> throw new AssertionError(fault);
        };
    return done ? fault : null;
  }

  private List<Site> sites(Predicate<Node> which) {
    List<Site> out = new ArrayList<>();
    for (int i = 0; i < net.nodes.size(); i++) {
      if (which.test(net.nodes.get(i))) {
        out.add(new Site(net.name, net.nodes, i));
      }
    }
    for (Block b : net.blocks) {
      for (int i = 0; i < b.nodes.size(); i++) {
        if (which.test(b.nodes.get(i))) {
          out.add(new Site(b.name, b.nodes, i));
        }
      }
    }
    return out;
  }

  private Site site(Predicate<Node> which) {
    List<Site> all = sites(which);
    return all.isEmpty() ? null : all.get(r.nextInt(all.size()));
  }

  private LayerSite layerSite(Predicate<Layer> which) {
    List<LayerSite> all = new ArrayList<>();
    for (Site s : sites(n -> true)) {
      for (int i = 0; i < s.node().layers.size(); i++) {
        if (which.test(s.node().layers.get(i))) {
          all.add(new LayerSite(s, i));
        }
      }
    }
    return all.isEmpty() ? null : all.get(r.nextInt(all.size()));
  }

  private static boolean plain(Node n) {
    return n.userBlock == null && n.blocks.isEmpty() && !n.malformed();
  }

  private static boolean merges(Node n) {
    return !n.layers.isEmpty() && n.layers.get(0) instanceof Simple s && s.kind().merges();
  }

  private int bad() {
    return r.nextBoolean() ? 0 : -(1 + r.nextInt(50));
  }

  private boolean unknownInput() {
    Site s = site(n -> true);
    if (s == null) {
      return false;
    }
    Node n = s.node();
    String ghost = "ghost" + r.nextInt(100);
    if (!s.owner().equals(net.name) && r.nextBoolean()) {
      // A block sees only its own nodes and its input, not the network's or another block's nodes.
      List<String> outside = new ArrayList<>();
      net.nodes.forEach(x -> outside.add(x.name));
      net.blocks.forEach(b -> b.nodes.forEach(x -> outside.add(x.name)));
      outside.removeIf(x -> s.scope().stream().anyMatch(y -> y.name.equals(x)));
      if (!outside.isEmpty()) {
        ghost = outside.get(r.nextInt(outside.size()));
      }
    }
    if (n.params.isEmpty()) {
      n.params.add(ghost);
    } else {
      n.params.set(r.nextInt(n.params.size()), ghost);
    }
    return true;
  }

  private boolean forwardReference() {
    Site s = site(n -> true);
    if (s == null) {
      return false;
    }
    Node n = s.node();
    int later = s.scope().size() - s.index() - 1;
    String target =
        later == 0 || r.nextInt(4) == 0
            ? n.name
            : s.scope().get(s.index() + 1 + r.nextInt(later)).name;
    if (n.params.contains(target)) {
      return false;
    }
    if (n.params.isEmpty()) {
      n.params.add(target);
    } else {
      n.params.set(r.nextInt(n.params.size()), target);
    }
    return true;
  }

  private boolean nonPositive() {
    int k = r.nextInt(4);
    Integer v = bad(); // boxed: the ternaries below mix it with attributes left out (null)
    if (k == 0) {
      switch (r.nextInt(3)) {
        case 0 -> net.channels = v;
        case 1 -> net.height = v;
        default -> net.width = v;
      }
      return true;
    }
    if (k == 1) {
      net.classes = v;
      return true;
    }
    if (k == 2) {
      LayerSite ls =
          layerSite(
              l ->
                  l instanceof Ast.Conv
                      || l instanceof Ast.Pool
                      || l instanceof Ast.Dense
                      || l instanceof Ast.GroupNorm);
      if (ls == null) {
        return false;
      }
      int f = r.nextInt(3);
      if (ls.layer() instanceof Ast.Conv c) {
        f = r.nextInt(4);
        ls.set(
            new Ast.Conv(
                f == 0 ? v : c.filters(),
                f == 1 ? v : c.kernel(),
                f == 2 ? v : c.stride(),
                c.padding(),
                c.pad(),
                c.bias(),
                c.rounding(),
                c.init(),
                f == 3 ? v : c.groups()));
      } else if (ls.layer() instanceof Ast.GroupNorm g) {
        ls.set(new Ast.GroupNorm(v, g.eps(), g.affine()));
      } else if (ls.layer() instanceof Ast.Pool p) {
        ls.set(
            new Ast.Pool(
                p.max(),
                f == 0 ? v : p.size(),
                f == 1 ? v : p.stride(),
                f == 2 ? null : p.padding(),
                f == 2 ? Integer.valueOf(-(1 + r.nextInt(3))) : p.pad(),
                p.rounding(),
                p.countPadding()));
      } else {
        Ast.Dense d = (Ast.Dense) ls.layer();
        ls.set(
            new Ast.Dense(f == 0 ? v : d.units(), f == 0 ? d.inFeatures() : v, d.bias(), d.init()));
      }
      return true;
    }
    Site s = site(n -> n.blocks.size() == 1);
    if (s == null) {
      return false;
    }
    Builtin b = s.node().blocks.get(0);
    int f = r.nextInt(6);
    Builtin broken;
    if (b instanceof Ast.Vgg g) {
      broken = f % 2 == 0 ? new Ast.Vgg(v, g.filters()) : new Ast.Vgg(g.convs(), v);
    } else if (b instanceof Ast.Naive g) {
      broken =
          new Ast.Naive(f % 3 == 0 ? v : g.c1(), f % 3 == 1 ? v : g.c3(), f % 3 == 2 ? v : g.c5());
    } else if (b instanceof Ast.Inception g) {
      broken =
          new Ast.Inception(
              f == 0 ? v : g.c1(),
              f == 1 ? v : g.r3(),
              f == 2 ? v : g.c3(),
              f == 3 ? v : g.r5(),
              f == 4 ? v : g.c5(),
              f == 5 ? v : g.pp());
    } else if (b instanceof Ast.InceptionA g) {
      broken =
          new Ast.InceptionA(
              f == 0 ? v : g.c1(),
              f == 1 ? v : g.r5(),
              f == 2 ? v : g.c5(),
              f == 3 ? v : g.r3(),
              f == 4 ? v : g.c3(),
              f == 5 ? v : g.pp());
    } else {
      Ast.Residual g = (Ast.Residual) b;
      broken =
          new Ast.Residual(
              f % 3 == 0 ? v : g.filters(),
              f % 3 == 1 ? v : g.stride(),
              g.projection(),
              g.variant(),
              f % 3 == 2 ? v : g.expansion(),
              g.batchNorm());
    }
    s.node().blocks.set(0, broken);
    return true;
  }

  private boolean windowTooLarge() {
    LayerSite ls = layerSite(l -> l instanceof Ast.Conv || l instanceof Ast.Pool);
    if (ls == null) {
      return false;
    }
    int big = 25 + r.nextInt(30);
    if (ls.layer() instanceof Ast.Conv c) {
      ls.set(
          new Ast.Conv(
              c.filters(),
              big,
              c.stride(),
              null,
              c.pad(),
              c.bias(),
              c.rounding(),
              c.init(),
              c.groups()));
    } else {
      Ast.Pool p = (Ast.Pool) ls.layer();
      ls.set(new Ast.Pool(p.max(), big, p.stride(), null, p.pad(), p.rounding(), p.countPadding()));
    }
    return true;
  }

  private boolean inexact() {
    LayerSite ls = layerSite(l -> l instanceof Ast.Conv || l instanceof Ast.Pool);
    if (ls == null) {
      return false;
    }
    int stride = 2 + r.nextInt(4);
    String rounding = r.nextBoolean() ? null : "EXACT";
    if (ls.layer() instanceof Ast.Conv c) {
      ls.set(
          new Ast.Conv(
              c.filters(),
              c.kernel(),
              stride,
              null,
              c.pad(),
              c.bias(),
              rounding,
              c.init(),
              c.groups()));
    } else {
      Ast.Pool p = (Ast.Pool) ls.layer();
      ls.set(new Ast.Pool(p.max(), p.size(), stride, null, p.pad(), rounding, p.countPadding()));
    }
    return true;
  }

  private boolean mergeMismatch() {
    Site s = site(n -> merges(n) && !n.malformed());
    if (s == null) {
      return false;
    }
    Node merge = s.node();
    int which = r.nextInt(merge.params.size());
    String name = merge.params.get(which);
    Node branch = s.scope().stream().filter(n -> n.name.equals(name)).findFirst().orElse(null);
    if (branch != null && r.nextBoolean()) {
      for (int i = branch.layers.size() - 1; i >= 0; i--) {
        if (branch.layers.get(i) instanceof Ast.Conv c) {
          boolean add = ((Simple) merge.layers.get(0)).kind() == Kind.ADD;
          branch.layers.set(
              i,
              add
                  // more filters, in whole groups: the channels differ, the groups still divide
                  // them
                  ? new Ast.Conv(
                      c.filters() + c.groupCount() * (1 + r.nextInt(3)),
                      c.kernel(),
                      c.stride(),
                      c.padding(),
                      c.pad(),
                      c.bias(),
                      c.rounding(),
                      c.init(),
                      c.groups())
                  : new Ast.Conv(
                      c.filters(),
                      Math.max(2, c.kernel()),
                      c.stride(),
                      null,
                      null,
                      c.bias(),
                      "FLOOR",
                      c.init(),
                      c.groups()));
          return true;
        }
      }
    }
    List<String> earlier = new ArrayList<>(List.of("input"));
    for (int i = 0; i < s.index(); i++) {
      earlier.add(s.scope().get(i).name);
    }
    earlier.removeAll(merge.params);
    if (earlier.isEmpty()) {
      return false;
    }
    merge.params.set(which, earlier.get(r.nextInt(earlier.size())));
    return true;
  }

  private boolean denseInput() {
    LayerSite ls = layerSite(l -> l instanceof Ast.Dense);
    if (ls == null) {
      return false;
    }
    Ast.Dense d = (Ast.Dense) ls.layer();
    int in = d.inFeatures() == null ? 1 + r.nextInt(2000) : d.inFeatures() + 1 + r.nextInt(3);
    ls.set(new Ast.Dense(d.units(), in, d.bias(), d.init()));
    return true;
  }

  private boolean needsSpatial() {
    Layer flattening =
        switch (r.nextInt(3)) {
          case 0 -> new Simple(Kind.FLATTEN);
          case 1 -> new Simple(Kind.GAP);
          default -> new Ast.Dense(4, null, null, null);
        };
    if (r.nextBoolean()) {
      LayerSite ls =
          layerSite(
              l ->
                  l instanceof Ast.Conv
                      || l instanceof Ast.Pool
                      || l instanceof Ast.Lrn
                      || (l instanceof Simple s && s.kind() == Kind.GAP));
      if (ls == null) {
        return false;
      }
      if (Ast.has(ls.site().node().layers, flattening)) {
        return false;
      }
      ls.site().node().layers.add(ls.index(), flattening);
      return true;
    }
    Site s = site(n -> (n.userBlock != null || !n.blocks.isEmpty()) && !n.malformed());
    if (s == null) {
      return false;
    }
    Node before = new Node("flat" + (100 + r.nextInt(900)));
    if (s.scope().stream().anyMatch(n -> n.name.equals(before.name))) {
      return false;
    }
    before.params = s.node().params;
    before.layers.add(flattening);
    s.node().params = new ArrayList<>();
    s.scope().add(s.index(), before);
    return true;
  }

  private boolean needsFlat() {
    Site s = site(Mutator::plain);
    if (s == null) {
      return false;
    }
    List<Layer> layers = s.node().layers;
    int from = merges(s.node()) ? 1 : 0;
    Layer softmax = new Simple(Kind.SOFTMAX);
    if (Ast.has(layers, softmax)) {
      return false;
    }
    layers.add(from + r.nextInt(layers.size() - from + 1), softmax);
    return true;
  }

  private boolean paddingConflict() {
    LayerSite ls = layerSite(l -> l instanceof Ast.Conv || l instanceof Ast.Pool);
    if (ls == null) {
      return false;
    }
    int pad = r.nextInt(3);
    if (ls.layer() instanceof Ast.Conv c) {
      ls.set(
          new Ast.Conv(
              c.filters(),
              c.kernel(),
              c.stride(),
              "SAME",
              pad,
              c.bias(),
              c.rounding(),
              c.init(),
              c.groups()));
    } else {
      Ast.Pool p = (Ast.Pool) ls.layer();
      ls.set(
          new Ast.Pool(p.max(), p.size(), p.stride(), "SAME", pad, p.rounding(), p.countPadding()));
    }
    return true;
  }

  private boolean padTooLarge() {
    LayerSite ls = layerSite(l -> l instanceof Ast.Pool);
    if (ls == null) {
      return false;
    }
    Ast.Pool p = (Ast.Pool) ls.layer();
    ls.set(
        new Ast.Pool(
            p.max(),
            p.size(),
            p.stride(),
            null,
            p.size() / 2 + 1 + r.nextInt(2),
            p.rounding(),
            p.countPadding()));
    return true;
  }

  private boolean outOfRange() {
    Site s = site(Mutator::plain);
    if (s == null) {
      return false;
    }
    double[] reals = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY};
    Layer bad =
        switch (r.nextInt(6)) {
          case 0 -> new Ast.Dropout(new double[] {1.0, 1.5, -0.1, Double.NaN}[r.nextInt(4)]);
          case 5 ->
              new Ast.GroupNorm(
                  1,
                  new double[] {0.0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY}[r.nextInt(4)],
                  null);
          case 1 ->
              new Ast.BatchNorm(
                  new double[] {0.0, 1.5, -1.0, Double.NaN}[r.nextInt(4)], null, null);
          case 2 ->
              new Ast.BatchNorm(
                  null,
                  new double[] {0.0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY}[r.nextInt(4)],
                  null);
          case 3 -> new Ast.Lrn(-(1 + r.nextInt(3)), null, null, null);
          default -> {
            double x = reals[r.nextInt(reals.length)];
            int which = r.nextInt(3);
            yield new Ast.Lrn(
                null, which == 0 ? x : null, which == 1 ? x : null, which == 2 ? x : null);
          }
        };
    if (Ast.has(s.node().layers, bad)) {
      return false;
    }
    s.node().layers.add(bad);
    return true;
  }

  private Shape output() {
    Oracle.Verdict v = Oracle.judge(net);
    return v.valid ? v.output : null;
  }

  private boolean head() {
    Shape out = output();
    if (out == null) {
      return false;
    }
    int k = r.nextInt(3);
    if (k == 0 && !(out.flat() && out.c() == 1)) {
      net.head = "SIGMOID_BINARY_CROSS_ENTROPY";
      net.classes = null;
      return true;
    }
    if (k == 1 && !out.flat()) {
      net.head = null;
      net.classes = null;
      return true;
    }
    if (net.nodes.size() >= 2) {
      net.nodes.remove(net.nodes.size() - 1);
      return true;
    }
    return false;
  }

  private boolean classes() {
    Shape out = output();
    if (out == null || net.headName().equals("NONE")) {
      return false;
    }
    if (net.headName().equals("SIGMOID_BINARY_CROSS_ENTROPY")) {
      net.classes = new int[] {1, 3, 10}[r.nextInt(3)];
    } else {
      net.classes = (out.flat() ? (int) out.c() : 0) + 1 + r.nextInt(3);
    }
    return true;
  }

  private boolean notANode() {
    Site s = site(n -> !n.malformed());
    if (s == null) {
      return false;
    }
    Node n = s.node();
    switch (r.nextInt(4)) {
      case 0 ->
          n.returnType = new String[] {"int", "String", "void", "Object", "Runnable"}[r.nextInt(5)];
      case 1 -> n.modifier = new String[] {"default", "static", "private", "generic"}[r.nextInt(4)];
      case 2 -> n.paramType = r.nextBoolean() ? "int" : "String";
      default -> n.varargs = true;
    }
    return true;
  }

  private boolean noLayer() {
    Site s = site(n -> n.userBlock == null && !n.malformed());
    if (s == null) {
      return false;
    }
    s.node().layers.clear();
    s.node().blocks.clear();
    return true;
  }

  private boolean duplicateNode() {
    if (r.nextInt(4) == 0) {
      Site s = site(n -> true);
      if (s == null || s.scope().stream().anyMatch(n -> n.name.equals("input"))) {
        return false;
      }
      s.node().name = "input";
      return true;
    }
    List<Site> all = sites(n -> true);
    if (all.isEmpty()) {
      return false;
    }
    Site later = all.get(r.nextInt(all.size()));
    for (int i = 0; i < later.index(); i++) {
      Node earlier = later.scope().get(i);
      if (earlier.params.size() != later.node().params.size()) {
        later.node().name = earlier.name;
        return true;
      }
    }
    return false;
  }

  private boolean mergePosition() {
    Site s = site(n -> merges(n) && !n.malformed());
    if (s == null) {
      return false;
    }
    Layer first = new Simple(r.nextBoolean() ? Kind.RELU : Kind.TANH);
    if (Ast.has(s.node().layers, first)) {
      return false;
    }
    s.node().layers.add(0, first);
    return true;
  }

  private boolean inputCount() {
    Site s = site(n -> !n.malformed());
    if (s == null) {
      return false;
    }
    Node n = s.node();
    if (merges(n)) {
      String keep = n.params.get(0);
      n.params.clear();
      if (r.nextBoolean()) {
        n.params.add(keep);
      }
      return true;
    }
    List<String> earlier = new ArrayList<>(List.of("input"));
    for (int i = 0; i < s.index(); i++) {
      earlier.add(s.scope().get(i).name);
    }
    String implied = s.index() == 0 ? "input" : s.scope().get(s.index() - 1).name;
    if (n.params.isEmpty()) {
      n.params.add(implied);
    }
    earlier.removeAll(n.params);
    if (earlier.isEmpty()) {
      return false;
    }
    n.params.add(earlier.get(r.nextInt(earlier.size())));
    return true;
  }

  private boolean blockWithLayers() {
    Site s = site(n -> (n.userBlock != null || !n.blocks.isEmpty()) && !n.malformed());
    if (s == null) {
      return false;
    }
    if (!s.node().blocks.isEmpty() && r.nextBoolean()) {
      s.node()
          .blocks
          .add(
              s.node().blocks.get(0) instanceof Ast.Vgg
                  ? new Ast.Naive(1, 1, 1)
                  : new Ast.Vgg(1, 2));
    } else {
      s.node().layers.add(new Simple(Kind.RELU));
    }
    return true;
  }

  private boolean blockCycle() {
    if (net.blocks.isEmpty()) {
      return false;
    }
    Block b = net.blocks.get(r.nextInt(net.blocks.size()));
    Block target = b;
    for (Node n : b.nodes) {
      if (n.userBlock != null && r.nextBoolean()) {
        target = net.block(n.userBlock); // close the cycle through a block b uses
      }
    }
    Node again = new Node("again" + r.nextInt(100));
    if (target.node(again.name) != null) {
      return false;
    }
    again.userBlock = b.name;
    target.nodes.add(r.nextInt(target.nodes.size() + 1), again);
    return true;
  }

  private boolean residualShape() {
    Site s = site(n -> n.blocks.size() == 1 && n.blocks.get(0) instanceof Ast.Residual);
    if (s == null) {
      return false;
    }
    Ast.Residual g = (Ast.Residual) s.node().blocks.get(0);
    boolean wider = r.nextBoolean();
    s.node()
        .blocks
        .set(
            0,
            new Ast.Residual(
                wider ? g.filters() + 1 : g.filters(),
                wider ? g.stride() : Integer.valueOf(2),
                "NEVER",
                g.variant(),
                g.expansion(),
                g.batchNorm()));
    return true;
  }

  /** Numbers at the edge of int: shapes past it must be refused, shapes within computed right. */
  private boolean extreme() {
    int k = r.nextInt(6);
    if (k == 0) {
      net.height = 100_000;
      net.width = 100_000;
      return true;
    }
    if (k == 1) {
      LayerSite ls = layerSite(l -> l instanceof Ast.Dense);
      if (ls == null) {
        return false;
      }
      Ast.Dense d = (Ast.Dense) ls.layer();
      ls.set(new Ast.Dense(2_000_000_000, d.inFeatures(), d.bias(), d.init()));
      return true;
    }
    LayerSite ls = layerSite(l -> l instanceof Ast.Conv || l instanceof Ast.Pool);
    if (ls == null) {
      return false;
    }
    int max = Integer.MAX_VALUE;
    if (ls.layer() instanceof Ast.Conv c) {
      ls.set(
          switch (k) {
            case 2 ->
                new Ast.Conv(
                    c.filters(),
                    c.kernel(),
                    max,
                    "SAME",
                    null,
                    c.bias(),
                    null,
                    c.init(),
                    c.groups());
            case 3 ->
                new Ast.Conv(
                    c.filters(),
                    c.kernel(),
                    c.stride(),
                    null,
                    1_500_000_000,
                    c.bias(),
                    "FLOOR",
                    c.init(),
                    c.groups());
            // ungrouped: too many weights, not filters that a group count does not divide
            case 4 ->
                new Ast.Conv(
                    2_000_000_000,
                    c.kernel(),
                    c.stride(),
                    c.padding(),
                    c.pad(),
                    c.bias(),
                    c.rounding(),
                    c.init());
            default ->
                new Ast.Conv(
                    c.filters(),
                    c.kernel(),
                    max,
                    c.padding(),
                    c.pad(),
                    c.bias(),
                    "FLOOR",
                    c.init(),
                    c.groups());
          });
    } else {
      Ast.Pool p = (Ast.Pool) ls.layer();
      ls.set(
          new Ast.Pool(
              p.max(),
              p.size(),
              max,
              k % 2 == 0 ? "SAME" : p.padding(),
              k % 2 == 0 ? null : p.pad(),
              "FLOOR",
              p.countPadding()));
    }
    return true;
  }

  /**
   * Groups of channels that may not divide them: a convolution's or a group norm's count changed,
   * or a group norm added. Whether 2-7 groups divide is the oracle's to say.
   */
  private boolean groups() {
    int groups = 2 + r.nextInt(6);
    LayerSite ls = layerSite(l -> l instanceof Ast.Conv || l instanceof Ast.GroupNorm);
    if (ls == null || r.nextInt(3) == 0) {
      Site s = site(Mutator::plain);
      Layer bad = new Ast.GroupNorm(groups, null, null);
      if (s == null || Ast.has(s.node().layers, bad)) {
        return false;
      }
      List<Layer> layers = s.node().layers;
      int from = merges(s.node()) ? 1 : 0;
      layers.add(from + r.nextInt(layers.size() - from + 1), bad);
      return true;
    }
    if (ls.layer() instanceof Ast.Conv c) {
      ls.set(
          new Ast.Conv(
              c.filters(),
              c.kernel(),
              c.stride(),
              c.padding(),
              c.pad(),
              c.bias(),
              c.rounding(),
              c.init(),
              groups));
    } else {
      Ast.GroupNorm g = (Ast.GroupNorm) ls.layer();
      ls.set(new Ast.GroupNorm(groups, g.eps(), g.affine()));
    }
    return true;
  }

  private boolean noNodes() {
    net.nodes.clear();
    return true;
  }
}
