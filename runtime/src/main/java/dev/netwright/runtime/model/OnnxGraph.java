package dev.netwright.runtime.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A network at inference as a graph of ONNX operators (opset 17): what a generated network
 * describes of itself ({@link Model#graph()}) and {@code io.Onnx} writes as a model file.
 *
 * <p>Tensors are named by strings. The graph reads {@link #INPUT}, [N, C, H, W]; a node input that
 * no node writes and no constant holds is an initializer: the model's parameter or buffer of that
 * name, as {@link Parameters} and the {@code .npz} export name it. The graph writes {@link #LOGITS}
 * and, where the head has them, {@link #PROBABILITIES}.
 */
public final class OnnxGraph {
  /** The graph input, [N, C, H, W]. */
  public static final String INPUT = "input";

  /** The network's output, what {@link Model#forward} returns. */
  public static final String LOGITS = "logits";

  /** The head's probabilities (softmax or sigmoid of the logits), for heads that have them. */
  public static final String PROBABILITIES = "probabilities";

  /** One ONNX operator: its type ("Conv"), unique name, inputs, outputs and attributes. */
  public record Node(
      String op,
      String name,
      List<String> inputs,
      List<String> outputs,
      List<Attribute> attributes) {}

  /** A node attribute: an integer, a list of integers, or a float. */
  public sealed interface Attribute permits Int, Ints, Real {
    /** The attribute's name ("kernel_shape"). */
    String name();
  }

  /** An INT attribute. */
  public record Int(String name, long value) implements Attribute {}

  /** An INTS attribute. */
  public record Ints(String name, long[] values) implements Attribute {
    @Override
    public String toString() {
      return name + "=" + Arrays.toString(values);
    }
  }

  /** A FLOAT attribute. */
  public record Real(String name, float value) implements Attribute {}

  /**
   * A constant tensor that is not a parameter: FLOAT filled with {@code fill} when {@code int64s}
   * is null (a batch norm without learned scale has ones for it), else INT64 holding {@code int64s}
   * (a shape for Reshape).
   */
  public record Constant(String name, long[] dims, float fill, long[] int64s) {}

  /** A layer ONNX cannot express at opset 17: the node, the layer and why. */
  public record Refusal(String node, String layer, String reason) {}

  private final List<Node> nodes;
  private final List<Constant> constants;
  private final List<String> outputs;
  private final List<Refusal> refusals;

  private OnnxGraph(
      List<Node> nodes, List<Constant> constants, List<String> outputs, List<Refusal> refusals) {
    this.nodes = List.copyOf(nodes);
    this.constants = List.copyOf(constants);
    this.outputs = List.copyOf(outputs);
    this.refusals = List.copyOf(refusals);
  }

  /** The nodes, in an order where every node comes after those whose outputs it reads. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The constants that are not the model's parameters. */
  public List<Constant> constants() {
    return constants;
  }

  /** The graph outputs: {@link #LOGITS}, then {@link #PROBABILITIES} if the head has them. */
  public List<String> outputs() {
    return outputs;
  }

  /** The layers ONNX cannot express; a graph with any is refused on export. */
  public List<Refusal> refusals() {
    return refusals;
  }

  /** An empty graph to describe a network into. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects nodes in order; {@link #build()} freezes them. */
  public static final class Builder {
    private final List<NodeBuilder> nodes = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a node of type {@code op} called {@code name}; its inputs, outputs and attributes
     * follow.
     */
    public NodeBuilder node(String op, String name) {
      NodeBuilder node = new NodeBuilder(op, name);
      nodes.add(node);
      return node;
    }

    /** Adds a FLOAT constant of shape {@code dims} filled with {@code value}. */
    public Builder fill(String name, float value, long... dims) {
      constants.add(new Constant(name, dims.clone(), value, null));
      return this;
    }

    /** Adds a one-dimensional INT64 constant. */
    public Builder int64s(String name, long... values) {
      constants.add(new Constant(name, new long[] {values.length}, 0f, values.clone()));
      return this;
    }

    /** Records that the layer {@code layer} of node {@code node} has no ONNX form, and why. */
    public Builder refuse(String node, String layer, String reason) {
      refusals.add(new Refusal(node, layer, reason));
      return this;
    }

    /** Declares a graph output, in order. */
    public Builder output(String tensor) {
      outputs.add(tensor);
      return this;
    }

    /** The graph. */
    public OnnxGraph build() {
      return new OnnxGraph(
          nodes.stream().map(NodeBuilder::node).toList(), constants, outputs, refusals);
    }
  }

  /** One node being described: {@code g.node("Conv", "conv1").in(...).out(...).ints(...)}. */
  public static final class NodeBuilder {
    private final String op;
    private final String name;
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<Attribute> attributes = new ArrayList<>();

    private NodeBuilder(String op, String name) {
      this.op = Objects.requireNonNull(op, "op");
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Appends inputs; "" is an optional input left out. */
    public NodeBuilder in(String... tensors) {
      inputs.addAll(List.of(tensors));
      return this;
    }

    /** Appends outputs. */
    public NodeBuilder out(String... tensors) {
      outputs.addAll(List.of(tensors));
      return this;
    }

    /** An INT attribute. */
    public NodeBuilder integer(String attribute, long value) {
      attributes.add(new Int(attribute, value));
      return this;
    }

    /** An INTS attribute. */
    public NodeBuilder ints(String attribute, long... values) {
      attributes.add(new Ints(attribute, values.clone()));
      return this;
    }

    /** A FLOAT attribute. */
    public NodeBuilder real(String attribute, float value) {
      attributes.add(new Real(attribute, value));
      return this;
    }

    Node node() {
      return new Node(op, name, inputs, outputs, attributes);
    }
  }
}
