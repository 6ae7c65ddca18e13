package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Init;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.ArrayList;
import java.util.List;

/** {@code @BatchNorm}: batch normalization over channels (or features), with running statistics. */
public record BatchNormLayer(Real momentum, Real eps, boolean affine, Location at)
    implements Layer {
  private static final Attribute<Double> MOMENTUM =
      Attribute.of(BatchNorm.class, "momentum", double.class);
  private static final Attribute<Double> EPS = Attribute.of(BatchNorm.class, "eps", double.class);
  private static final Attribute<Boolean> AFFINE =
      Attribute.of(BatchNorm.class, "affine", boolean.class);

  static BatchNormLayer parse(Attributes a) {
    return new BatchNormLayer(
        a.realValue(MOMENTUM), a.realValue(EPS), a.booleanValue(AFFINE), a.location());
  }

  /** PyTorch's defaults, as the built-in blocks use them. */
  public static BatchNormLayer standard(Location at) {
    return new BatchNormLayer(new Real(0.1, at), new Real(1e-5, at), true, at);
  }

  @Override
  public String label() {
    return "batch norm";
  }

  @Override
  public String kindName() {
    return "batchNorm";
  }

  @Override
  public Problem check(String node) {
    double m = momentum.value();
    double e = eps.value();
    return Checks.first(
        Checks.inRange(
            m > 0 && m <= 1,
            "batch-norm momentum",
            node,
            momentum,
            "in (0, 1]",
            "It weighs the newest batch in the running averages; PyTorch's default is 0.1."),
        Checks.inRange(
            e > 0 && Double.isFinite(e),
            "batch-norm eps",
            node,
            eps,
            "positive and finite",
            "It keeps the division finite; PyTorch's default is 1e-5."));
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) {
    long c = input.shape().channels();
    return new ResolvedLayer(
        this, input.shape(), input.shape(), null, affine ? 2 * c : 0, 0, 2 * c);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "BatchNorm"
        + (r.in().flat() ? "1d" : "2d")
        + " eps "
        + eps.value()
        + " momentum "
        + momentum.value()
        + (affine ? "" : " no affine");
  }

  @Override
  public List<Parameter> parameters(ResolvedLayer r, Init network) {
    long[] c = {r.out().channels()};
    List<Parameter> params = new ArrayList<>();
    if (affine) {
      params.add(Parameter.constant("weight", c, 1, 1, Parameter.Fill.ONES));
      params.add(Parameter.constant("bias", c, 1, 1, Parameter.Fill.ZEROS));
    }
    params.add(Parameter.state("running_mean", c, Parameter.Fill.ZEROS));
    params.add(Parameter.state("running_var", c, Parameter.Fill.ONES));
    return params;
  }

  @Override
  public String parameterScope() {
    return "bn";
  }

  @Override
  public String kernelClass() {
    return "BatchNorm";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return KernelCall.of(
        w.out(),
        w.in(),
        w.value("weight"),
        w.value("bias"),
        w.value("running_mean"),
        w.value("running_var"),
        CodeBlock.of("$L", momentum.value()),
        CodeBlock.of("$L", eps.value()));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(
        w.inGradients().get(0), w.gradient("weight"), w.gradient("bias"), w.outGradient());
  }

  @Override
  public List<CodeBlock> forwardArguments() {
    return List.of(CodeBlock.of("isTraining()"));
  }

  @Override
  public boolean couplesExamples() {
    return true;
  }

  @Override
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    String scale = onnx.parameter("weight");
    String shift = onnx.parameter("bias");
    if (!affine) {
      long[] c = {r.out().channels()};
      scale = onnx.name("scale");
      shift = onnx.name("shift");
      onnx.fill(scale, 1, c);
      onnx.fill(shift, 0, c);
    }
    // Inference: the running statistics. ONNX's momentum weighs the old average, PyTorch's the new.
    onnx.add("BatchNormalization")
        .in(
            onnx.input(),
            scale,
            shift,
            onnx.parameter("running_mean"),
            onnx.parameter("running_var"))
        .out(onnx.output())
        .real("epsilon", eps.value())
        .real("momentum", 1 - momentum.value());
  }
}
