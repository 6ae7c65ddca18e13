package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/** {@code @GlobalAvgPool}: [C, H, W] to [C] by averaging. */
record GlobalAvgPoolLayer(Location at) implements Layer {
  static GlobalAvgPoolLayer parse(Attributes a) {
    return new GlobalAvgPoolLayer(a.location());
  }

  @Override
  public String label() {
    return "global average pooling";
  }

  @Override
  public String kindName() {
    return "globalAvgPool";
  }

  @Override
  public Problem check(String node) {
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    Checks.requireSpatial(this, input);
    return new ResolvedLayer(this, input.shape(), Shape.flat(input.shape().channels()), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "GlobalAvgPool";
  }

  @Override
  public String kernelClass() {
    return "GlobalAvgPool";
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
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    // GlobalAveragePool keeps [N, C, 1, 1]; the layer's output is flat [N, C].
    String pooled = onnx.name("pooled");
    onnx.add("GlobalAveragePool").in(onnx.input()).out(pooled);
    onnx.add("Flatten").in(pooled).out(onnx.output()).integer("axis", 1);
  }
}
