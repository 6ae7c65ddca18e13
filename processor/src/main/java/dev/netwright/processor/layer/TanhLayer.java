package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Tanh}: element-wise tanh, in place when that is safe. */
record TanhLayer(Location at) implements Layer {
  static TanhLayer parse(Attributes a) {
    return new TanhLayer(a.location());
  }

  @Override
  public String label() {
    return "tanh";
  }

  @Override
  public String kindName() {
    return "tanh";
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
    return "Tanh";
  }

  @Override
  public String kernelClass() {
    return "Tanh";
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

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    onnx.add("Tanh").in(onnx.input()).out(onnx.output());
  }
}
