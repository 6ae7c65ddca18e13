package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.OnnxGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The layers and their variants that the samples do not reach agree with ONNX Runtime too: the
 * small networks of the gradient tests (every block, residual variant and head) and the padding,
 * pooling, batch-norm and merge corners of {@link OnnxEdgeNets}; and what the graph holds.
 */
class OnnxLayersTest {
  @TempDir Path dir;

  static Stream<Model> networks() {
    return Stream.of(
        new OnnxEdgeNets_PaddedModel(DataType.FLOAT, 1),
        new OnnxEdgeNets_ThreeWayModel(DataType.FLOAT, 1),
        new OnnxEdgeNets_GroupsModel(DataType.FLOAT, 1),
        new TinyClassics_NormsModel(DataType.FLOAT, 1),
        new TinyClassics_BinaryModel(DataType.FLOAT, 1),
        new TinyClassics_RegressionModel(DataType.FLOAT, 1),
        new TinyClassics_ResidualsModel(DataType.FLOAT, 1),
        new TinyClassics_DropoutNetModel(DataType.FLOAT, 1),
        new TinyBlocks_VggModel(DataType.FLOAT, 1),
        new TinyBlocks_NaiveModel(DataType.FLOAT, 1),
        new TinyBlocks_ReducedModel(DataType.FLOAT, 1),
        new TinyBlocks_LectureInceptionModel(DataType.FLOAT, 1),
        new TinyBlocks_IdentityModel(DataType.FLOAT, 1),
        new TinyBlocks_ProjectedModel(DataType.FLOAT, 1),
        new TinyBlocks_BottleneckModel(DataType.FLOAT, 1),
        new TinyBlocks_ByHandModel(DataType.FLOAT, 1),
        new TinyBlocks_NestedModel(DataType.FLOAT, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void onnxRuntimeAgrees(Model model) throws Exception {
    double worst = OnnxAgreement.check(model, dir.resolve(model.name() + ".onnx"), 1, 7);
    System.out.printf("%s: ONNX Runtime agrees, max relative error %.2e%n", model.name(), worst);
  }

  @Test
  void paddingIsExplicitAndAsymmetricWhereSameNeedsIt() {
    OnnxGraph.Node same =
        node(new OnnxEdgeNets_PaddedModel(DataType.FLOAT, 0).graph(), "same/conv");
    assertEquals("[0, 0, 1, 1]", ints(same, "pads"));
    OnnxGraph g = new OnnxEdgeNets_PaddedModel(DataType.FLOAT, 0).graph();
    assertEquals("0", ints(node(g, "sameAvg/avgPool"), "count_include_pad"));
    assertEquals("1", ints(node(g, "counted/avgPool"), "count_include_pad"));
    assertEquals("0", ints(node(g, "uncounted/avgPool"), "count_include_pad"));
    assertEquals("0", ints(node(g, "floor/maxPool"), "ceil_mode"));
  }

  @Test
  void dropoutIsLeftOutAndBatchNormWithoutAffineGetsConstants() {
    OnnxGraph g = new OnnxEdgeNets_PaddedModel(DataType.FLOAT, 0).graph();
    List<String> ops = g.nodes().stream().map(OnnxGraph.Node::op).toList();
    assertTrue(!ops.contains("Dropout"), ops.toString());
    // The last layer is dropout: the logits are the dense layer's output, copied.
    OnnxGraph.Node last =
        g.nodes().stream().filter(n -> n.outputs().contains("logits")).findFirst().orElseThrow();
    assertEquals("Identity", last.op());
    assertEquals(List.of("out/dense"), last.inputs());
    OnnxGraph.Node bn = node(g, "joined/batchNorm");
    assertEquals(
        List.of(
            "joined/concat",
            "joined/batchNorm/scale",
            "joined/batchNorm/shift",
            "joined.running_mean",
            "joined.running_var"),
        bn.inputs());
    assertEquals(4, g.constants().size());
  }

  @Test
  void groupNormIsDecomposedAndGroupedConvolutionsSayTheirGroups() {
    OnnxGraph g = new OnnxEdgeNets_GroupsModel(DataType.FLOAT, 0).graph();
    assertEquals("2", ints(node(g, "conv/conv"), "group"));
    List<String> ops =
        g.nodes().stream()
            .filter(n -> n.name().startsWith("fc1/groupNorm"))
            .map(OnnxGraph.Node::op)
            .toList();
    assertEquals(List.of("Reshape", "InstanceNormalization", "Reshape", "Mul", "Add"), ops);
    List<String> plain =
        g.nodes().stream()
            .filter(n -> n.name().startsWith("conv/groupNorm"))
            .map(OnnxGraph.Node::op)
            .toList();
    assertEquals(List.of("Reshape", "InstanceNormalization", "Reshape"), plain);
  }

  @Test
  void lrnAlphaIsScaledByTheWindowOnnxDividesBy() {
    OnnxGraph.Node lrn = node(new TinyClassics_NormsModel(DataType.FLOAT, 0).graph(), "conv2/lrn");
    assertEquals("3", ints(lrn, "size"));
    OnnxGraph.Real alpha =
        (OnnxGraph.Real)
            lrn.attributes().stream()
                .filter(a -> a.name().equals("alpha"))
                .findFirst()
                .orElseThrow();
    assertEquals(3e-4f, alpha.value(), 1e-10);
  }

  @Test
  void aModelWithoutAGraphIsRefusedByName() {
    Model dense = new DenseNetwork(DataType.FLOAT, 1, new int[] {1, 2, 2}, 4, 3, 1);
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class, () -> Onnx.export(dir.resolve("x.onnx"), dense));
    assertTrue(
        e.getMessage().startsWith(dense.name() + " does not describe its graph as ONNX operators"),
        e.getMessage());
  }

  private static OnnxGraph.Node node(OnnxGraph g, String name) {
    return g.nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name + " in " + g.nodes()));
  }

  private static String ints(OnnxGraph.Node n, String attribute) {
    OnnxGraph.Attribute a =
        n.attributes().stream()
            .filter(x -> x.name().equals(attribute))
            .findFirst()
            .orElseThrow(() -> new AssertionError(n.name() + " has no " + attribute));
    return a instanceof OnnxGraph.Int i
        ? Long.toString(i.value())
        : a.toString().replaceAll(".*=", "");
  }
}
