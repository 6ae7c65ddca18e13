package dev.netwright.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX writer on hand-made graphs: what the file holds, and what it refuses and why. */
class OnnxTest {
  @TempDir Path dir;

  /** TinyNet's logits as ONNX: Flatten then Gemm, with a constant that no node reads. */
  private static OnnxGraph tinyGraph() {
    OnnxGraph.Builder g = OnnxGraph.builder();
    g.node("Flatten", "fc/flatten").in("input").out("flat").integer("axis", 1);
    g.node("Gemm", "fc").in("flat", "fc.weight", "fc.bias").out("logits").integer("transB", 1);
    g.node("Softmax", "probabilities").in("logits").out("probabilities").integer("axis", 1);
    g.fill("unused.ones", 1f, 2, 3).int64s("unused.shape", 0, -1);
    return g.output("logits").output("probabilities").build();
  }

  @Test
  void theFileHoldsTheGraphWeightsAndWhatDescribesThem() throws Exception {
    TinyNet net = new TinyNet(5).describedAs(tinyGraph());
    Path file = dir.resolve("tiny.onnx");
    Onnx.export(file, net);
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
    assertEquals(8, m.getIrVersion());
    assertEquals(17, m.getOpsetImport(0).getVersion());
    assertEquals("Netwright", m.getProducerName());
    assertFalse(
        m.getProducerVersion().isEmpty() || m.getProducerVersion().contains("${"),
        m.getProducerVersion());
    Map<String, String> meta =
        m.getMetadataPropsList().stream()
            .collect(Collectors.toMap(p -> p.getKey(), p -> p.getValue()));
    assertEquals("TinyNet", meta.get("network"));
    assertEquals(net.summary(), meta.get("summary"));
    assertEquals("[1, 4, 4]", meta.get("input_shape"));
    assertTrue(
        m.getDocString().startsWith("Network TinyNet, exported by Netwright "), m.getDocString());
    assertEquals(
        List.of("Flatten", "Gemm", "Softmax"),
        m.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
    // The constants first, then the parameters in the order nodes read them; unread buffers are
    // left out.
    assertEquals(
        List.of("unused.ones", "unused.shape", "fc.weight", "fc.bias"),
        m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList());
    TensorProto weight = m.getGraph().getInitializer(2);
    assertEquals(List.of(3L, 16L), weight.getDimsList());
    float[] written = new float[48];
    ByteBuffer.wrap(weight.getRawData().toByteArray())
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(written);
    assertArrayEquals(net.parameters().get("fc.weight").value().dup().data().asFloat(), written);
    assertEquals(List.of(0L, -1L), m.getGraph().getInitializer(1).getInt64DataList());
    assertEquals(6, m.getGraph().getInitializer(0).getFloatDataCount());
    var input = m.getGraph().getInput(0).getType().getTensorType().getShape();
    assertEquals("N", input.getDim(0).getDimParam());
    assertEquals(
        List.of(1L, 4L, 4L),
        input.getDimList().subList(1, 4).stream().map(d -> d.getDimValue()).toList());
    assertEquals(
        List.of("logits", "probabilities"),
        m.getGraph().getOutputList().stream().map(o -> o.getName()).toList());
  }

  @Test
  void aModelThatDoesNotDescribeItsGraphIsRefusedByName() {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Onnx.export(dir.resolve("x.onnx"), new TinyNet(1)));
    assertTrue(
        e.getMessage().startsWith("TinyNet does not describe its graph as ONNX operators"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("x.onnx")));
  }

  @Test
  void aLayerOnnxCannotExpressIsRefusedNamingNodeAndLayer() {
    OnnxGraph.Builder g = OnnxGraph.builder();
    g.node("Flatten", "fc/flatten").in("input").out("logits").integer("axis", 1);
    g.refuse("block.norm", "group norm", "has no operator of its own at opset 17");
    TinyNet net = new TinyNet(1).describedAs(g.output("logits").build());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> Onnx.toProto(net));
    assertEquals(
        "TinyNet cannot be exported to ONNX: the group norm of node 'block.norm' has no operator of its"
            + " own at opset 17",
        e.getMessage());
  }

  @Test
  void aTensorNobodyWritesOrTwoTensorsOfOneNameAreBugsNamedAsSuch() {
    OnnxGraph.Builder reads = OnnxGraph.builder();
    reads.node("Relu", "r").in("nowhere").out("logits");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Onnx.toProto(new TinyNet(1).describedAs(reads.output("logits").build())));
    assertTrue(
        e.getMessage()
            .contains("node 'r' of TinyNet reads 'nowhere', which no node before it writes"),
        e.getMessage());

    OnnxGraph.Builder twice = OnnxGraph.builder();
    twice.node("Relu", "a").in("input").out("x");
    twice.node("Relu", "b").in("x").out("x");
    e =
        assertThrows(
            IllegalStateException.class,
            () -> Onnx.toProto(new TinyNet(1).describedAs(twice.build())));
    assertTrue(
        e.getMessage().contains("two tensors of the ONNX graph are named 'x'"), e.getMessage());

    OnnxGraph.Builder missing = OnnxGraph.builder();
    missing.node("Relu", "a").in("input").out("x");
    e =
        assertThrows(
            IllegalStateException.class,
            () -> Onnx.toProto(new TinyNet(1).describedAs(missing.output("logits").build())));
    assertTrue(
        e.getMessage().contains("declares the output 'logits', which no node writes"),
        e.getMessage());
  }
}
