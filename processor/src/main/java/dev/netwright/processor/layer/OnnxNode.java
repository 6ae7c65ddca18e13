package dev.netwright.processor.layer;

import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX operator a layer is exported as: its type, inputs, outputs and attributes. Generated
 * code rebuilds it as the runtime's {@code OnnxGraph.Node}.
 */
public final class OnnxNode {
  /** A node attribute: INT, INTS or FLOAT. */
  public record Attribute(String name, Kind kind, long[] ints, double real) {
    /** The attribute's ONNX type. */
    public enum Kind {
      INT,
      INTS,
      FLOAT
    }
  }

  private final String op;
  private final List<String> inputs = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();
  private final List<Attribute> attributes = new ArrayList<>();

  private OnnxNode(String op) {
    this.op = op;
  }

  /** A node of type {@code op} with no inputs, outputs or attributes yet; the writer names it. */
  public static OnnxNode of(String op) {
    return new OnnxNode(op);
  }

  /** Appends inputs; "" leaves an optional input out. */
  public OnnxNode in(String... tensors) {
    inputs.addAll(List.of(tensors));
    return this;
  }

  /** Appends outputs. */
  public OnnxNode out(String... tensors) {
    outputs.addAll(List.of(tensors));
    return this;
  }

  /** An INT attribute. */
  public OnnxNode integer(String attribute, long value) {
    attributes.add(new Attribute(attribute, Attribute.Kind.INT, new long[] {value}, 0));
    return this;
  }

  /** An INTS attribute. */
  public OnnxNode ints(String attribute, long... values) {
    attributes.add(new Attribute(attribute, Attribute.Kind.INTS, values.clone(), 0));
    return this;
  }

  /** A FLOAT attribute. */
  public OnnxNode real(String attribute, double value) {
    attributes.add(new Attribute(attribute, Attribute.Kind.FLOAT, null, value));
    return this;
  }

  /** The operator type, e.g. "Conv". */
  public String op() {
    return op;
  }

  /** The tensors it reads. */
  public List<String> inputs() {
    return List.copyOf(inputs);
  }

  /** The tensors it writes. */
  public List<String> outputs() {
    return List.copyOf(outputs);
  }

  /** Its attributes, in the order written. */
  public List<Attribute> attributes() {
    return List.copyOf(attributes);
  }
}
