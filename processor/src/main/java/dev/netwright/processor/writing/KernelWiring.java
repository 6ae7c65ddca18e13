package dev.netwright.processor.writing;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.processor.layer.Wiring;
import dev.netwright.processor.writing.BufferPlan.Param;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.List;

/** One step's buffers and parameters as the fields and lookups of the generated {@code Buffers}. */
final class KernelWiring implements Wiring {
  private static final CodeBlock NULL = CodeBlock.of("null");

  private final Step step;

  KernelWiring(Step step) {
    this.step = step;
  }

  @Override
  public String kernelField() {
    return step.kernel;
  }

  @Override
  public CodeBlock out() {
    return CodeBlock.of("$N", step.out.field);
  }

  @Override
  public CodeBlock in() {
    return CodeBlock.of("$N", step.in.field);
  }

  @Override
  public List<CodeBlock> ins() {
    return step.ins.stream().map(a -> CodeBlock.of("$N", a.field)).toList();
  }

  @Override
  public CodeBlock window() {
    return ModelWriter.window(step.layer.geometry());
  }

  /** Looked up by name once per batch size: {@code value("conv1.weight")}, {@code buffer(...)}. */
  @Override
  public CodeBlock value(String name) {
    Param p = step.params.get(name);
    if (p == null) {
      return NULL;
    }
    return p.spec().buffer()
        ? CodeBlock.of("buffer($S)", p.name())
        : CodeBlock.of("value($S)", p.name());
  }

  @Override
  public CodeBlock gradient(String name) {
    Param p = step.params.get(name);
    return p == null ? NULL : CodeBlock.of("gradient($S)", p.name());
  }

  @Override
  public CodeBlock outGradient() {
    return CodeBlock.of("$N", step.out.gradField);
  }

  @Override
  public List<CodeBlock> inGradients() {
    return step.dxTargets.stream().map(t -> t == null ? NULL : CodeBlock.of("$N", t)).toList();
  }
}
