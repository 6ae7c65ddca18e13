package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Init;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/**
 * {@code @Dense}: PyTorch's Linear, weights [units, inFeatures]; flattens a [C, H, W] input itself.
 *
 * @param inFeatures null when not written
 * @param init the weights' initialiser; DEFAULT is the network's
 */
public record DenseLayer(Value units, Value inFeatures, boolean bias, Init init, Location at)
    implements Layer {
  private static final Attribute<Integer> UNITS = Attribute.of(Dense.class, "value", int.class);
  private static final Attribute<Integer> IN_FEATURES =
      Attribute.of(Dense.class, "inFeatures", int.class);
  private static final Attribute<Boolean> BIAS = Attribute.of(Dense.class, "bias", boolean.class);
  private static final Attribute<Init> INIT = Attribute.of(Dense.class, "init", Init.class);

  static DenseLayer parse(Attributes a) {
    return new DenseLayer(
        a.intValue(UNITS),
        a.isWritten(IN_FEATURES) ? a.intValue(IN_FEATURES) : null,
        a.booleanValue(BIAS),
        a.enumValue(INIT),
        a.location());
  }

  @Override
  public String label() {
    return "dense";
  }

  @Override
  public String kindName() {
    return "dense";
  }

  @Override
  public Problem check(String node) {
    return Checks.first(
        Checks.positive(units, "units", node, "Write the number of outputs, e.g. @Dense(10)."),
        inFeatures == null
            ? null
            : Checks.positive(
                inFeatures,
                "inFeatures",
                node,
                "Write the input size you expect, or leave it out."));
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    Shape in = input.shape();
    if (inFeatures != null && inFeatures.value() != in.size()) {
      throw new Failure(
          Messages.denseInput(input.node(), inFeatures.value(), input.from(), in), inFeatures.at());
    }
    long weights = (long) units.value() * in.size();
    return new ResolvedLayer(
        this, in, Shape.flat(units.value()), null, weights + (bias ? units.value() : 0), weights);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Dense "
        + r.in().size()
        + "->"
        + r.out().channels()
        + (r.in().flat() ? "" : " (flattens " + r.in() + ")")
        + (bias ? "" : " no bias");
  }

  @Override
  public List<Parameter> parameters(ResolvedLayer r, Init network) {
    long[] weight = {r.out().channels(), r.in().size()};
    return Parameter.weightAndBias(weight, (int) weight[1], (int) weight[0], bias, init, network);
  }

  @Override
  public boolean primary() {
    return true;
  }

  @Override
  public boolean flattensInput() {
    return true;
  }

  @Override
  public String kernelClass() {
    return "Dense";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return KernelCall.of(w.out(), w.in(), w.value("weight"), w.value("bias"));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(
        w.inGradients().get(0), w.gradient("weight"), w.gradient("bias"), w.outGradient());
  }

  @Override
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    String in = onnx.input();
    if (!r.in().flat()) {
      String flat = onnx.name("flat");
      onnx.add("Flatten").in(in).out(flat).integer("axis", 1);
      in = flat;
    }
    // Weights are [units, inFeatures], as PyTorch's Linear: y = x W^T + b.
    OnnxNode gemm = onnx.add("Gemm").in(in, onnx.parameter("weight"));
    if (bias) {
      gemm.in(onnx.parameter("bias"));
    }
    gemm.out(onnx.output()).integer("transB", 1);
  }
}
