package dev.netwright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import dev.netwright.processor.graph.Geometry;
import dev.netwright.processor.graph.GraphBuilder;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.layer.ConvLayer;
import dev.netwright.processor.layer.DenseLayer;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.layer.PoolLayer;
import dev.netwright.processor.layer.ReluLayer;
import dev.netwright.processor.layer.WindowPadding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape arithmetic without javac. */
class GraphBuilderTest {
  private static final Location HERE = new Location() {};

  private static Value v(int x) {
    return Value.written(x, HERE);
  }

  private static WindowPadding valid() {
    return new WindowPadding(WindowPadding.Mode.VALID, Value.implied(0, HERE));
  }

  private static WindowPadding same() {
    return new WindowPadding(WindowPadding.Mode.SAME, Value.implied(0, HERE));
  }

  private static Layer conv(int filters, int k, int s, WindowPadding p) {
    return new ConvLayer(v(filters), v(k), v(s), p, true, false, Init.DEFAULT, HERE);
  }

  private static Layer maxPool(int k, WindowPadding p, int s) {
    return new PoolLayer(true, v(k), v(s), p, false, false, HERE);
  }

  private static NodeSpec node(String name, Layer... layers) {
    return new NodeSpec(name, HERE, List.of(), List.of(layers));
  }

  private static GraphBuilder.Resolution resolve(
      int c, int h, int w, boolean head, NodeSpec... nodes) {
    return GraphBuilder.resolve(
        new NetworkSpec(
            "T",
            HERE,
            v(c),
            v(h),
            v(w),
            null,
            head ? Head.SOFTMAX_CROSS_ENTROPY : Head.NONE,
            Init.PYTORCH,
            List.of(nodes)));
  }

  @Test
  void simpleNetShapesParametersAndMultiplyAdds() {
    ResolvedNetwork n =
        resolve(
                1,
                28,
                28,
                true,
                node("conv1", conv(10, 5, 1, valid()), maxPool(2, valid(), 2), new ReluLayer(HERE)),
                node("conv2", conv(20, 5, 1, valid()), maxPool(2, valid(), 2), new ReluLayer(HERE)),
                node("fc", new DenseLayer(v(10), v(320), true, Init.DEFAULT, HERE)))
            .network();
    assertEquals(Shape.map(10, 12, 12), n.nodes().get(0).out());
    assertEquals(Shape.map(20, 4, 4), n.nodes().get(1).out());
    assertEquals(Shape.flat(10), n.output().out());
    assertEquals(260 + 5020 + 3210, n.parameters()); // torchsummary: 8,490
    assertEquals(10 * 24 * 24 * 25 + 20 * 8 * 8 * 250 + 3200, n.multiplyAdds());
    assertEquals(10, n.classes());
  }

  @Test
  void sameWithStrideTwoIsAsymmetricLikeTensorFlow() {
    ResolvedNetwork n = resolve(1, 28, 28, false, node("c", conv(4, 4, 2, same()))).network();
    Geometry g = n.nodes().get(0).layers().get(0).geometry();
    // out = ceil(28 / 2) = 14; total padding (14 - 1) * 2 + 4 - 28 = 2: one each side
    assertEquals(Shape.map(4, 14, 14), n.output().out());
    assertEquals(new Geometry(4, 2, 1, 1, 1, 1, false), g);
    ResolvedNetwork odd = resolve(1, 7, 7, false, node("c", conv(4, 2, 1, same()))).network();
    // k = 2, s = 1: total padding 1, all of it at the bottom and right
    assertEquals(
        new Geometry(2, 1, 0, 0, 1, 1, true), odd.nodes().get(0).layers().get(0).geometry());
    assertEquals(Shape.map(4, 7, 7), odd.output().out());
  }

  @Test
  void explicitPaddingFollowsPyTorch() {
    WindowPadding pad2 = new WindowPadding(WindowPadding.Mode.EXPLICIT, v(2));
    ResolvedNetwork n = resolve(16, 12, 12, false, node("b", conv(24, 5, 1, pad2))).network();
    assertEquals(Shape.map(24, 12, 12), n.output().out());
  }

  @Test
  void floorRoundingDropsTheRemainder() {
    Layer floorPool =
        new PoolLayer(
            true,
            v(3),
            v(2),
            new WindowPadding(WindowPadding.Mode.EXPLICIT, v(1)),
            true,
            false,
            HERE);
    ResolvedNetwork n = resolve(64, 112, 112, false, node("pool", floorPool)).network();
    assertEquals(Shape.map(64, 56, 56), n.output().out()); // ResNet's stem pooling
    GraphBuilder.Resolution exact =
        resolve(
            64,
            112,
            112,
            false,
            node(
                "pool",
                new PoolLayer(
                    true,
                    v(3),
                    v(2),
                    new WindowPadding(WindowPadding.Mode.EXPLICIT, v(1)),
                    false,
                    false,
                    HERE)));
    assertFalse(exact.clean());
    assertEquals("inexact-output", exact.problems().get(0).message().tag());
  }

  @Test
  void failedNodesDoNotCascade() {
    GraphBuilder.Resolution r =
        resolve(
            1,
            8,
            8,
            true,
            node("a", conv(4, 9, 1, valid())),
            node("b", conv(4, 3, 1, valid())),
            node("fc", new DenseLayer(v(10), null, true, Init.DEFAULT, HERE)));
    assertNull(r.network());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).text().startsWith("[netwright/window-too-large]"));
  }
}
