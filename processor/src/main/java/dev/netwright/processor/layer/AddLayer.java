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

/** {@code @Add}: the element-wise sum of the node's inputs. */
public record AddLayer(Location at) implements Layer {
  static AddLayer parse(Attributes a) {
    return new AddLayer(a.location());
  }

  @Override
  public String label() {
    return "add";
  }

  @Override
  public String kindName() {
    return "add";
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
    for (LayerInput.Input other : input.inputs().subList(1, input.inputs().size())) {
      Shape b = other.shape();
      if (!b.equals(a)) {
        throw new Failure(
            Messages.addShape(input.node(), first.name(), a, other.name(), b), other.at());
      }
    }
    return new ResolvedLayer(this, a, a, null, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Add";
  }

  @Override
  public String kernelClass() {
    return "Add";
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
    // ONNX's Add takes two inputs: more are added one by one, in order, as the kernel adds them.
    List<String> ins = onnx.inputs();
    String sum = ins.get(0);
    for (int i = 1; i < ins.size(); i++) {
      String out = i == ins.size() - 1 ? onnx.output() : onnx.name("sum" + i);
      onnx.add("Add").in(sum, ins.get(i)).out(out);
      sum = out;
    }
  }
}
