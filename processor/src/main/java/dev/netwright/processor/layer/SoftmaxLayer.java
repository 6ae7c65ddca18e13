package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @Softmax}: normalises the features of a flat output, row by row. */
record SoftmaxLayer(Location at) implements Layer {
  static SoftmaxLayer parse(Attributes a) {
    return new SoftmaxLayer(a.location());
  }

  @Override
  public String label() {
    return "softmax";
  }

  @Override
  public String kindName() {
    return "softmax";
  }

  @Override
  public Problem check(String node) {
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    if (!input.shape().flat()) {
      throw new Failure(Messages.softmaxNeedsFlat(input.node(), input.from(), input.shape()), at);
    }
    return new ResolvedLayer(this, input.shape(), input.shape(), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Softmax";
  }

  @Override
  public String kernelClass() {
    return "Softmax";
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
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    onnx.add("Softmax").in(onnx.input()).out(onnx.output()).integer("axis", 1);
  }
}
