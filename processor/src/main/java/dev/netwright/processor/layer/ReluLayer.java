package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Relu}: max(x, 0), in place when that is safe. */
public record ReluLayer(Location at) implements Layer {
  static ReluLayer parse(Attributes a) {
    return new ReluLayer(a.location());
  }

  @Override
  public String label() {
    return "relu";
  }

  @Override
  public String kindName() {
    return "relu";
  }

  @Override
  public Problem check(String node) {
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) {
    return new ResolvedLayer(this, input.shape(), input.shape(), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "ReLU";
  }

  @Override
  public String kernelClass() {
    return "Relu";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return KernelCall.of(w.out(), w.in());
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(w.inGradients().get(0), w.outGradient());
  }

  @Override
  public boolean inPlace() {
    return true;
  }

  /** Backward reads the output as its mask, which a second ReLU leaves as it is. */
  @Override
  public boolean outputOverwritableBy(Layer next) {
    return next instanceof ReluLayer;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    onnx.add("Relu").in(onnx.input()).out(onnx.output());
  }
}
