package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Flatten}: [C, H, W] to [C·H·W] in PyTorch's order; a view of its input, no kernel. */
record FlattenLayer(Location at) implements Layer {
  static FlattenLayer parse(Attributes a) {
    return new FlattenLayer(a.location());
  }

  @Override
  public String label() {
    return "flatten";
  }

  @Override
  public String kindName() {
    return "flatten";
  }

  @Override
  public Problem check(String node) {
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) {
    return new ResolvedLayer(
        this, input.shape(), Shape.flat(Math.toIntExact(input.shape().size())), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Flatten";
  }

  /** None: the output is a view of the input. */
  @Override
  public String kernelClass() {
    return null;
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    throw new UnsupportedOperationException("flatten is a view and has no kernel");
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    throw new UnsupportedOperationException("flatten is a view and has no kernel");
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    // ONNX's Flatten keeps the batch axis and joins the rest in (c, h, w) order, as the view does.
    onnx.add("Flatten").in(onnx.input()).out(onnx.output()).integer("axis", 1);
  }
}
