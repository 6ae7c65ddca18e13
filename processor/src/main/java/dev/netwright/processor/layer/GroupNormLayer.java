package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.GroupNorm;
import dev.netwright.dsl.Init;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.ArrayList;
import java.util.List;

/** {@code @GroupNorm}: PyTorch's GroupNorm, per example over groups of channels. */
record GroupNormLayer(Value groups, Real eps, boolean affine, Location at) implements Layer {
  private static final Attribute<Integer> GROUPS =
      Attribute.of(GroupNorm.class, "groups", int.class);
  private static final Attribute<Double> EPS = Attribute.of(GroupNorm.class, "eps", double.class);
  private static final Attribute<Boolean> AFFINE =
      Attribute.of(GroupNorm.class, "affine", boolean.class);

  static GroupNormLayer parse(Attributes a) {
    return new GroupNormLayer(
        a.intValue(GROUPS), a.realValue(EPS), a.booleanValue(AFFINE), a.location());
  }

  @Override
  public String label() {
    return "group norm";
  }

  @Override
  public String kindName() {
    return "groupNorm";
  }

  @Override
  public Problem check(String node) {
    double e = eps.value();
    return Checks.first(
        Checks.positive(
            groups,
            "groups",
            node,
            "Write the number of channel groups, e.g. groups = 4, or 1 to normalise each example whole."),
        Checks.inRange(
            e > 0 && Double.isFinite(e),
            "group-norm eps",
            node,
            eps,
            "positive and finite",
            "It keeps the division finite; PyTorch's default is 1e-5."));
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    long c = input.shape().channels();
    if (c % groups.value() != 0) {
      throw new Failure(Messages.groupNormGroups(input.node(), c, groups.value()), groups.at());
    }
    return new ResolvedLayer(this, input.shape(), input.shape(), null, affine ? 2 * c : 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "GroupNorm "
        + groups.value()
        + " groups eps "
        + eps.value()
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
    return params;
  }

  @Override
  public String parameterScope() {
    return "gn";
  }

  @Override
  public String kernelClass() {
    return "GroupNorm";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return KernelCall.of(
        w.out(),
        w.in(),
        w.value("weight"),
        w.value("bias"),
        CodeBlock.of("$L", groups.value()),
        CodeBlock.of("$L", eps.value()));
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
    // Opset 17 has no group normalisation of its own: the examples' channels are reshaped into
    // [N, groups, rest], each row normalised by InstanceNormalization (unit scale, zero shift),
    // the shape restored, then each channel scaled and shifted by the layer's weight and bias.
    Shape in = r.in();
    int g = groups.value();
    String groupedShape = onnx.name("grouped_shape");
    onnx.int64s(groupedShape, 0, g, -1);
    String shape = onnx.name("shape");
    if (in.flat()) {
      onnx.int64s(shape, 0, in.channels());
    } else {
      onnx.int64s(shape, 0, in.channels(), in.height(), in.width());
    }
    String ones = onnx.name("ones");
    String zeros = onnx.name("zeros");
    onnx.fill(ones, 1, g);
    onnx.fill(zeros, 0, g);
    String grouped = onnx.name("grouped");
    onnx.add("Reshape").in(onnx.input(), groupedShape).out(grouped);
    String normalised = onnx.name("normalised");
    onnx.add("InstanceNormalization")
        .in(grouped, ones, zeros)
        .out(normalised)
        .real("epsilon", eps.value());
    if (!affine) {
      onnx.add("Reshape").in(normalised, shape).out(onnx.output());
      return;
    }
    String restored = onnx.name("restored");
    onnx.add("Reshape").in(normalised, shape).out(restored);
    String scale = onnx.parameter("weight");
    String shift = onnx.parameter("bias");
    if (!in.flat()) {
      // [C] to [C, 1, 1], to broadcast over height and width.
      String axes = onnx.name("axes");
      onnx.int64s(axes, 1, 2);
      String s = onnx.name("scale");
      String b = onnx.name("shift");
      onnx.add("Unsqueeze").in(scale, axes).out(s);
      onnx.add("Unsqueeze").in(shift, axes).out(b);
      scale = s;
      shift = b;
    }
    String scaled = onnx.name("scaled");
    onnx.add("Mul").in(restored, scale).out(scaled);
    onnx.add("Add").in(scaled, shift).out(onnx.output());
  }
}
