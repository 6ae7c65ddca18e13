package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Dropout;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Dropout}: inverted dropout with probability {@code p}, seeded, identity at inference. */
record DropoutLayer(Real p, Location at) implements Layer {
  private static final Attribute<Double> P = Attribute.of(Dropout.class, "value", double.class);

  static DropoutLayer parse(Attributes a) {
    return new DropoutLayer(a.realValue(P), a.location());
  }

  @Override
  public String label() {
    return "dropout";
  }

  @Override
  public String kindName() {
    return "dropout";
  }

  @Override
  public Problem check(String node) {
    return Checks.inRange(
        p.value() >= 0 && p.value() < 1,
        "dropout probability",
        node,
        p,
        "in [0, 1)",
        "It is the fraction of values zeroed in training, e.g. @Dropout(0.5).");
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) {
    return new ResolvedLayer(this, input.shape(), input.shape(), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Dropout " + p.value();
  }

  @Override
  public String kernelClass() {
    return "Dropout";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    // A salt per kernel; the mask of each forward also depends on the model's dropoutKey().
    return KernelCall.of(
        w.out(),
        w.in(),
        CodeBlock.of("$L", p.value()),
        CodeBlock.of("$LL", (long) w.kernelField().hashCode() * 0x9E3779B97F4A7C15L));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(w.inGradients().get(0), w.outGradient());
  }

  @Override
  public List<CodeBlock> forwardArguments() {
    return List.of(CodeBlock.of("isTraining()"), CodeBlock.of("dropoutKey()"));
  }

  @Override
  public boolean couplesExamples() {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    onnx.identity(); // the identity at inference, so the exported graph leaves it out
  }
}
