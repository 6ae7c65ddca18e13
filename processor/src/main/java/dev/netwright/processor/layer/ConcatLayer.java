package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.source.Attributes;
import java.util.ArrayList;
import java.util.List;

/** {@code @Concat}: the node's inputs joined on channels. */
public record ConcatLayer(Location at) implements Layer {
  static ConcatLayer parse(Attributes a) {
    return new ConcatLayer(a.location());
  }

  @Override
  public String label() {
    return "concat";
  }

  @Override
  public String kindName() {
    return "concat";
  }

  @Override
  public boolean merges() {
    return true;
  }

  @Override
  public Problem check(String node) {
    return null;
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    LayerInput.Input first = input.inputs().get(0);
    Shape a = first.shape();
    int channels = 0;
    for (LayerInput.Input other : input.inputs()) {
      Shape b = other.shape();
      if (b.flat()) {
        throw new Failure(Messages.concatFlat(input.node(), other.name(), b), other.at());
      }
      if (b.height() != a.height() || b.width() != a.width()) {
        throw new Failure(
            Messages.concatShape(input.node(), first.name(), a, other.name(), b), other.at());
      }
      channels += b.channels();
    }
    return new ResolvedLayer(this, a, Shape.map(channels, a.height(), a.width()), null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Concat";
  }

  @Override
  public String kernelClass() {
    return "Concat";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    List<CodeBlock> args = new ArrayList<>(List.of(w.out()));
    args.addAll(w.ins());
    return new KernelCall(null, args);
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    List<CodeBlock> args = new ArrayList<>(List.of(w.outGradient()));
    args.addAll(w.inGradients());
    return args;
  }

  @Override
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    onnx.add("Concat")
        .in(onnx.inputs().toArray(String[]::new))
        .out(onnx.output())
        .integer("axis", 1);
  }
}
