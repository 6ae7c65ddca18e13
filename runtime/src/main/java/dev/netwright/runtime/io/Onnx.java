package dev.netwright.runtime.io;

import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.OnnxGraph;
import dev.netwright.runtime.model.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.UnsafeByteOperations;

/**
 * Writes a network as an ONNX model (IR version 8, opset 17) that ONNX Runtime, TensorRT, OpenVINO
 * and the other serving stacks run at inference: the graph the network describes of itself ({@link
 * Model#graph()}), its parameters and batch-norm statistics as FLOAT initializers named as in
 * {@link Npz}, an input {@code input} [N, C, H, W] whose batch dimension N is symbolic, and the
 * outputs {@code logits} and, where the head has them, {@code probabilities}. The messages are the
 * ONNX protobuf classes that ND4J's nd4j-api ships (package {@code onnx}).
 */
public final class Onnx {
  /** IR version 8: what every current runtime reads, and the ONNX checker of 2022 too. */
  public static final long IR_VERSION = 8;

  /** The default domain's operator set: every layer here has its current semantics at 17. */
  public static final long OPSET = 17;

  /** The symbolic batch dimension of the input and outputs. */
  public static final String BATCH = "N";

  // protobuf refuses to parse a message of 2 GiB or more; ONNX moves larger weights to external
  // data files, which this writer does not write.
  private static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

  private Onnx() {}

  /** Writes {@code model} at inference to {@code file} as ONNX, atomically. */
  public static void export(Path file, Model model) throws IOException {
    ModelProto proto = toProto(model);
    AtomicFile.write(file, proto::writeTo);
  }

  /**
   * The ONNX model of {@code model} at inference.
   *
   * @throws UnsupportedOperationException when a layer has no ONNX form, naming it, or when the
   *     weights exceed what one protobuf message holds
   */
  public static ModelProto toProto(Model model) {
    Objects.requireNonNull(model, "model");
    OnnxGraph graph = model.graph();
    if (!graph.refusals().isEmpty()) {
      throw new UnsupportedOperationException(
          model.name()
              + " cannot be exported to ONNX: "
              + graph.refusals().stream()
                  .map(r -> "the " + r.layer() + " of node '" + r.node() + "' " + r.reason())
                  .collect(Collectors.joining("; ")));
    }
    Map<String, INDArray> weights = weights(model.parameters());
    GraphProto.Builder g = GraphProto.newBuilder().setName(model.name());
    Set<String> known = new HashSet<>(List.of(OnnxGraph.INPUT));
    for (OnnxGraph.Constant c : graph.constants()) {
      requireNew(known, c.name(), "constant");
      g.addInitializer(OnnxTensors.constant(c));
    }
    long bytes = 0;
    for (OnnxGraph.Node n : graph.nodes()) {
      for (String in : n.inputs()) {
        if (in.isEmpty() || known.contains(in)) {
          continue;
        }
        INDArray w = weights.get(in);
        if (w == null) {
          throw new IllegalStateException(
              "node '"
                  + n.name()
                  + "' of "
                  + model.name()
                  + " reads '"
                  + in
                  + "', which no node before it writes and which is not a parameter or buffer of the network");
        }
        bytes += w.length() * Float.BYTES;
        if (bytes > MAX_BYTES) {
          throw new UnsupportedOperationException(
              model.name()
                  + " cannot be exported to ONNX: its weights"
                  + " pass 2 GB, more than one protobuf message holds (external data is not written)");
        }
        known.add(in);
        g.addInitializer(OnnxTensors.floats(in, w));
      }
      for (String out : n.outputs()) {
        requireNew(known, out, "output of node '" + n.name() + "'");
      }
      g.addNode(node(n));
    }
    int[] in = model.inputShape();
    g.addInput(value(OnnxGraph.INPUT, in));
    for (String out : graph.outputs()) {
      if (!known.contains(out)) {
        throw new IllegalStateException(
            "the graph of "
                + model.name()
                + " declares the output '"
                + out
                + "', which no node writes");
      }
      g.addOutput(value(out, model.outputShape()));
    }
    String version = version();
    String doc =
        "Network "
            + model.name()
            + ", exported by Netwright "
            + version
            + " for inference.\n\n"
            + model.summary();
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("Netwright")
            .setProducerVersion(version)
            .setDomain("dev.netwright")
            .setDocString(doc)
            .setGraph(g);
    m.addOpsetImportBuilder().setDomain("").setVersion(OPSET);
    m.addMetadataPropsBuilder().setKey("network").setValue(model.name());
    m.addMetadataPropsBuilder().setKey("netwright_version").setValue(version);
    m.addMetadataPropsBuilder().setKey("summary").setValue(model.summary());
    m.addMetadataPropsBuilder().setKey("input_shape").setValue(Arrays.toString(in));
    m.addMetadataPropsBuilder().setKey("head").setValue(model.head().name());
    return m.build();
  }

  private static void requireNew(Set<String> known, String name, String what) {
    if (!known.add(name)) {
      throw new IllegalStateException(
          "two tensors of the ONNX graph are named '" + name + "' (the " + what + ")");
    }
  }

  /** Every parameter and buffer by name. */
  private static Map<String, INDArray> weights(Parameters p) {
    Map<String, INDArray> all = new LinkedHashMap<>();
    p.list().forEach(q -> all.put(q.name(), q.value()));
    p.bufferList().forEach(b -> all.put(b.name(), b.value()));
    return all;
  }

  private static NodeProto node(OnnxGraph.Node n) {
    NodeProto.Builder b =
        NodeProto.newBuilder()
            .setOpType(n.op())
            .setName(n.name())
            .addAllInput(n.inputs())
            .addAllOutput(n.outputs());
    for (OnnxGraph.Attribute a : n.attributes()) {
      AttributeProto.Builder attribute = b.addAttributeBuilder().setName(a.name());
      if (a instanceof OnnxGraph.Int i) {
        attribute.setType(AttributeProto.AttributeType.INT).setI(i.value());
      } else if (a instanceof OnnxGraph.Ints i) {
        attribute.setType(AttributeProto.AttributeType.INTS);
        Arrays.stream(i.values()).forEach(attribute::addInts);
      } else if (a instanceof OnnxGraph.Real r) {
        attribute.setType(AttributeProto.AttributeType.FLOAT).setF(r.value());
      }
    }
    return b.build();
  }

  /** A FLOAT tensor's type: [N, dims...] with N symbolic. */
  private static ValueInfoProto value(String name, int[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    shape.addDimBuilder().setDimParam(BATCH);
    for (int d : dims) {
      shape.addDimBuilder().setDimValue(d);
    }
    TypeProto.Tensor.Builder tensor =
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape);
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  /** The Netwright version this runtime was built as. */
  static String version() {
    try (InputStream in = Onnx.class.getResourceAsStream("netwright.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "netwright.properties is missing from the runtime's classes");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tensor messages for initializers. */
  private static final class OnnxTensors {
    private OnnxTensors() {}

    /** {@code a} as FLOAT, c order, little-endian raw data, whatever its own type. */
    static TensorProto floats(String name, INDArray a) {
      float[] values = a.castTo(DataType.FLOAT).dup('c').reshape(a.length()).toFloatVector();
      ByteBuffer raw =
          ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(values);
      TensorProto.Builder t =
          TensorProto.newBuilder()
              .setName(name)
              .setDataType(TensorProto.DataType.FLOAT_VALUE)
              .setRawData(UnsafeByteOperations.unsafeWrap(raw.array()));
      Arrays.stream(a.shape()).forEach(t::addDims);
      return t.build();
    }

    static TensorProto constant(OnnxGraph.Constant c) {
      TensorProto.Builder t = TensorProto.newBuilder().setName(c.name());
      Arrays.stream(c.dims()).forEach(t::addDims);
      if (c.int64s() != null) {
        t.setDataType(TensorProto.DataType.INT64_VALUE);
        Arrays.stream(c.int64s()).forEach(t::addInt64Data);
        return t.build();
      }
      long n = Arrays.stream(c.dims()).reduce(1, (x, y) -> x * y);
      t.setDataType(TensorProto.DataType.FLOAT_VALUE);
      for (long i = 0; i < n; i++) {
        t.addFloatData(c.fill());
      }
      return t.build();
    }
  }
}
