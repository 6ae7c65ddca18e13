package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Lrn;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Lrn}: local response normalization across channels (AlexNet, GoogLeNet). */
record LrnLayer(Value depthRadius, Real bias, Real alpha, Real beta, Location at) implements Layer {
  private static final Attribute<Integer> DEPTH_RADIUS =
      Attribute.of(Lrn.class, "depthRadius", int.class);
  private static final Attribute<Double> BIAS = Attribute.of(Lrn.class, "bias", double.class);
  private static final Attribute<Double> ALPHA = Attribute.of(Lrn.class, "alpha", double.class);
  private static final Attribute<Double> BETA = Attribute.of(Lrn.class, "beta", double.class);

  static LrnLayer parse(Attributes a) {
    return new LrnLayer(
        a.intValue(DEPTH_RADIUS),
        a.realValue(BIAS),
        a.realValue(ALPHA),
        a.realValue(BETA),
        a.location());
  }

  @Override
  public String label() {
    return "LRN";
  }

  @Override
  public String kindName() {
    return "lrn";
  }

  @Override
  public Problem check(String node) {
    if (depthRadius.value() < 0) {
      return Problem.error(
          Messages.outOfRange(
              "LRN depthRadius",
              node,
              depthRadius.value(),
              "zero or more",
              "AlexNet sums 5 channels: depthRadius = 2."),
          depthRadius.at());
    }
    for (Real r : new Real[] {bias, alpha, beta}) {
      if (!(r.value() > 0) || Double.isInfinite(r.value())) {
        return Problem.error(
            Messages.outOfRange(
                "LRN bias, alpha and beta",
                node,
                r.value(),
                "positive",
                "AlexNet uses bias 2, alpha 1e-4, beta 0.75."),
            r.at());
      }
    }
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    if (input.shape().flat()) {
      throw new Failure(Messages.lrnOnFlat(input.node(), input.from(), input.shape()), at);
    }
    return new ResolvedLayer(this, input.shape(), input.shape(), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "LRN radius "
        + depthRadius.value()
        + " k "
        + bias.value()
        + " alpha "
        + alpha.value()
        + " beta "
        + beta.value();
  }

  @Override
  public String kernelClass() {
    return "Lrn";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return KernelCall.of(
        w.out(),
        w.in(),
        CodeBlock.of("$L", depthRadius.value()),
        CodeBlock.of("$L", bias.value()),
        CodeBlock.of("$L", alpha.value()),
        CodeBlock.of("$L", beta.value()));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(w.inGradients().get(0), w.outGradient());
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    // The window is centred, 2·radius + 1 channels. ONNX divides alpha by the window size, the
    // kernel (TensorFlow's convention) does not: scale it up to the same quotient.
    int size = 2 * depthRadius.value() + 1;
    onnx.add("LRN")
        .in(onnx.input())
        .out(onnx.output())
        .integer("size", size)
        .real("alpha", alpha.value() * size)
        .real("beta", beta.value())
        .real("bias", bias.value());
  }
}
