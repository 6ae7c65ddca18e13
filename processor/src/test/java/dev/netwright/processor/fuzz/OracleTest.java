package dev.netwright.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Ast.Node;
import dev.netwright.processor.fuzz.Oracle.Verdict;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fuzzer's own oracle, generator and renderer, checked against shapes worked out by hand. */
class OracleTest {
  private static Net net(int c, int h, int w, Node... nodes) {
    Net net = new Net("T");
    net.channels = c;
    net.height = h;
    net.width = w;
    net.nodes.addAll(List.of(nodes));
    return net;
  }

  private static Node node(String name, Ast.Layer... layers) {
    Node n = new Node(name);
    n.layers.addAll(List.of(layers));
    return n;
  }

  private static Ast.Conv conv(int filters, int kernel) {
    return new Ast.Conv(filters, kernel, null, null, null, null, null, null);
  }

  private static Ast.Pool maxPool(int size) {
    return new Ast.Pool(true, size, null, null, null, null, null);
  }

  @Test
  void simpleNetAsInTheReadme() {
    Verdict v =
        Oracle.judge(
            net(
                1,
                28,
                28,
                node("conv1", conv(10, 5), maxPool(2), new Ast.Simple(Ast.Kind.RELU)),
                node("conv2", conv(20, 5), maxPool(2), new Ast.Simple(Ast.Kind.RELU)),
                node("fc", new Ast.Dense(10, 320, null, null))));
    assertTrue(v.valid, v.errors::toString);
    assertEquals(Shape.map(10, 12, 12), v.shapes.get("conv1"));
    assertEquals(Shape.map(20, 4, 4), v.shapes.get("conv2"));
    assertEquals(10, v.classes);
    assertEquals(
        Map.ofEntries(
            Map.entry("INPUT_CHANNELS", 1L),
            Map.entry("INPUT_HEIGHT", 28L),
            Map.entry("INPUT_WIDTH", 28L),
            Map.entry("CONV1_CHANNELS", 10L),
            Map.entry("CONV1_HEIGHT", 12L),
            Map.entry("CONV1_WIDTH", 12L),
            Map.entry("CONV2_CHANNELS", 20L),
            Map.entry("CONV2_HEIGHT", 4L),
            Map.entry("CONV2_WIDTH", 4L),
            Map.entry("FC_FEATURES", 10L),
            Map.entry("CLASSES", 10L)),
        Harness.expectedConstants(net(1, 28, 28), v));
  }

  @Test
  void wrongInFeaturesIsADenseInputError() {
    Verdict v =
        Oracle.judge(
            net(
                1,
                28,
                28,
                node("conv1", conv(10, 5), maxPool(2)),
                node("fc", new Ast.Dense(10, 1408, null, null))));
    assertFalse(v.valid);
    assertEquals(Set.of("dense-input"), v.errors.get(0).tags());
  }

  @Test
  void windowsAsPyTorchAndTensorFlowCountThem() throws Shapes.Fail {
    Shape in = Shape.map(3, 7, 10);
    Oracle.Loc at = new Oracle.Loc("T", "x");
    // SAME: ceil(7 / 2) = 4, ceil(10 / 2) = 5, whatever the kernel.
    assertEquals(
        Shape.map(8, 4, 5),
        Shapes.layer(new Ast.Conv(8, 4, 2, "SAME", null, null, null, null), in, at, "x"));
    // Explicit pad 1, 3x3, stride 2, floor: (7 + 2 - 3) / 2 + 1 = 4, (10 + 2 - 3) / 2 + 1 = 5.
    assertEquals(
        Shape.map(8, 4, 5),
        Shapes.layer(new Ast.Conv(8, 3, 2, null, 1, null, "FLOOR", null), in, at, "x"));
    // The same without FLOOR: height 9 - 3 = 6 tiles by 2, width 12 - 3 = 9 does not.
    Shapes.Fail inexact =
        org.junit.jupiter.api.Assertions.assertThrows(
            Shapes.Fail.class,
            () -> Shapes.layer(new Ast.Conv(8, 3, 2, null, 1, null, null, null), in, at, "x"));
    assertEquals(Set.of("inexact-output"), inexact.expect.tags());
    // VALID 2x2 stride 2 on width 7 leaves a column.
    Shapes.Fail f =
        org.junit.jupiter.api.Assertions.assertThrows(
            Shapes.Fail.class, () -> Shapes.layer(maxPool(2), in, at, "x"));
    assertEquals(Set.of("inexact-output"), f.expect.tags());
    // The largest stride with SAME still gives one row: ceil(7 / (2^31 - 1)).
    assertEquals(
        Shape.map(1, 1, 1),
        Shapes.layer(
            new Ast.Conv(1, 3, Integer.MAX_VALUE, "SAME", null, null, null, null), in, at, "x"));
  }

  /**
   * PyTorch's groups: they divide a convolution's input channels and filters, a group norm's
   * channels.
   */
  @Test
  void groupsOfChannels() throws Shapes.Fail {
    Oracle.Loc at = new Oracle.Loc("T", "x");
    assertEquals(
        Shape.map(12, 5, 5),
        Shapes.layer(
            new Ast.Conv(12, 3, null, null, null, null, null, null, 6),
            Shape.map(6, 7, 7),
            at,
            "x"));
    Shapes.Fail f =
        org.junit.jupiter.api.Assertions.assertThrows(
            Shapes.Fail.class,
            () ->
                Shapes.layer(
                    new Ast.Conv(12, 3, null, null, null, null, null, null, 4),
                    Shape.map(6, 7, 7),
                    at,
                    "x"));
    assertEquals(Set.of("groups"), f.expect.tags());
    assertEquals(
        Shape.flat(6), Shapes.layer(new Ast.GroupNorm(3, null, null), Shape.flat(6), at, "x"));
    f =
        org.junit.jupiter.api.Assertions.assertThrows(
            Shapes.Fail.class,
            () -> Shapes.layer(new Ast.GroupNorm(4, null, null), Shape.map(6, 2, 2), at, "x"));
    assertEquals(Set.of("groups"), f.expect.tags());
    // Filters a group count does not divide are wrong before any shape; zero groups are
    // non-positive.
    Verdict v =
        Oracle.judge(
            net(4, 8, 8, node("a", new Ast.Conv(6, 3, null, null, null, null, null, null, 4))));
    assertEquals(Set.of("groups"), v.errors.get(0).tags());
    v = Oracle.judge(net(4, 8, 8, node("a", conv(4, 3), new Ast.GroupNorm(0, null, null))));
    assertEquals(Set.of("non-positive"), v.errors.get(0).tags());
    v = Oracle.judge(net(4, 8, 8, node("a", conv(4, 3), new Ast.GroupNorm(2, Double.NaN, null))));
    assertEquals(Set.of("out-of-range"), v.errors.get(0).tags());
  }

  @Test
  void blocks() throws Shapes.Fail {
    Shape in = Shape.map(8, 7, 7);
    assertEquals(
        Shape.map(16, 4, 4), Shapes.block(new Ast.Residual(16, 2, null, null, null, null), in));
    assertEquals(
        Shape.map(64, 7, 7),
        Shapes.block(new Ast.Residual(16, null, null, "BOTTLENECK", null, null), in));
    assertEquals(Shape.map(5, 3, 3), Shapes.block(new Ast.Vgg(2, 5), in));
    assertEquals(Shape.map(1 + 2 + 3 + 8, 7, 7), Shapes.block(new Ast.Naive(1, 2, 3), in));
    assertEquals(
        Shape.map(88, 7, 7),
        Shapes.block(new Ast.InceptionA(null, null, null, null, null, null), in));
    Shapes.Fail f =
        org.junit.jupiter.api.Assertions.assertThrows(
            Shapes.Fail.class,
            () -> Shapes.block(new Ast.Residual(16, null, "NEVER", null, null, null), in));
    assertEquals(Set.of("residual-shape"), f.expect.tags());
  }

  @Test
  void unusedNodesAndTheirConsumers() {
    Node a = node("a", conv(2, 3));
    Node side = node("side", conv(2, 1));
    side.params.add("a");
    Node out = node("out", new Ast.Dense(3, null, null, null));
    out.params.add("a");
    Verdict v = Oracle.judge(net(1, 8, 8, a, side, out));
    assertTrue(v.valid, v.errors::toString);
    assertEquals(List.of("side"), v.unused);
  }

  @Test
  void generatedValidNetworksAreValidAndRenderOneNodePerLine() {
    for (int i = 0; i < 300; i++) {
      Harness.Case k = NetworkFuzzTest.generate(i);
      if (k.net().fault.equals("valid")) {
        assertTrue(k.verdict().valid, () -> k.verdict().errors + "\n" + Renderer.source(k.net()));
      } else if (!k.net().fault.equals("extreme")) {
        assertFalse(k.verdict().valid, () -> k.net().fault + "\n" + Renderer.source(k.net()));
      }
      Renderer.File f = Renderer.file("fuzz.T", List.of(k.net()));
      List<String> lines = f.text().lines().collect(Collectors.toList());
      f.lines()
          .forEach(
              (line, what) -> {
                if (what.loc().node() != null) {
                  assertTrue(
                      lines.get(line - 1).contains(" " + what.loc().node() + "("),
                      lines.get(line - 1));
                }
              });
    }
  }
}
