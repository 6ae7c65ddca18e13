package dev.netwright.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.netwright.processor.graph.Layer;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.writing.BufferPlan.Act;
import dev.netwright.processor.writing.BufferPlan.Kind;
import dev.netwright.processor.writing.BufferPlan.Param;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/** Writes the nested {@code Buffers} class: every array and kernel for one batch size. */
final class BuffersWriter {
  private static final ClassName CONV = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Conv2d");
  private static final ClassName POOL = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Pool2d");
  private static final ClassName RELU = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Relu");
  private static final ClassName DENSE = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Dense");
  private static final ClassName CONCAT = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Concat");
  private static final ClassName ADD = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Add");
  static final ClassName ACCUMULATE = ClassName.get(ModelWriter.RUNTIME + ".kernel", "Accumulate");
  private static final String KERNEL = ModelWriter.RUNTIME + ".kernel";
  private static final ClassName BATCH_NORM = ClassName.get(KERNEL, "BatchNorm");
  private static final ClassName LRN = ClassName.get(KERNEL, "Lrn");
  private static final ClassName DROPOUT = ClassName.get(KERNEL, "Dropout");
  private static final ClassName GAP = ClassName.get(KERNEL, "GlobalAvgPool");
  private static final ClassName SIGMOID = ClassName.get(KERNEL, "Sigmoid");
  private static final ClassName TANH = ClassName.get(KERNEL, "Tanh");
  private static final ClassName SOFTMAX = ClassName.get(KERNEL, "Softmax");
  private static final ClassName SOFTMAX_CE = ClassName.get(KERNEL, "SoftmaxCrossEntropy");
  private static final ClassName SIGMOID_CE = ClassName.get(KERNEL, "SigmoidCrossEntropy");
  private static final ClassName MSE = ClassName.get(KERNEL, "MeanSquaredError");

  private static final ClassName BRANCHES = ClassName.get(ModelWriter.EXEC, "Branches");

  private final BufferPlan plan;
  private final ResolvedNetwork network;
  private final ClassName buffers;
  private final List<Sections.Section> sections;

  BuffersWriter(BufferPlan plan, ResolvedNetwork network, ClassName buffers, List<Sections.Section> sections) {
    this.plan = plan;
    this.network = network;
    this.buffers = buffers;
    this.sections = sections;
  }

  /** Whether the layer's forward differs between training and inference. */
  static boolean usesMode(Layer layer) {
    return layer instanceof Layer.BatchNorm || layer instanceof Layer.Dropout;
  }

  static boolean runsBackward(Step s) {
    return BufferPlan.runsBackward(s);
  }

  TypeSpec write() {
    TypeSpec.Builder type = TypeSpec.classBuilder(buffers).addModifiers(Modifier.FINAL)
        .superclass(ModelWriter.batchType())
        .addJavadoc("Activations, gradients and kernels for one batch size, allocated once.\n");
    for (Act a : plan.acts) {
      if (a.kind == Kind.OWN || a.kind == Kind.FLAT_VIEW) {
        type.addField(FieldSpec.builder(ModelWriter.indarray(), a.field)
            .addJavadoc("$L $L.\n", a.description, dims(a.shape)).build());
      }
      if (a.gradField != null && a.kind != Kind.ALIAS) {
        type.addField(FieldSpec.builder(ModelWriter.indarray(), a.gradField)
            .addJavadoc("Gradient of the $L $L.\n", a.description, dims(a.shape)).build());
      }
      if (a.partField != null) {
        type.addField(FieldSpec.builder(ModelWriter.indarray(), a.partField)
            .addJavadoc("A later contribution to the gradient of the $L, added in.\n", a.description)
            .build());
      }
      if (a.accumulator != null) {
        type.addField(FieldSpec.builder(ACCUMULATE, a.accumulator)
            .addJavadoc("Adds {@code $N} into {@code $N}.\n", a.partField, a.gradField).build());
      }
    }
    for (Step s : plan.steps) {
      if (s.kernel != null) {
        type.addField(FieldSpec.builder(kernelType(s.layer.layer()), s.kernel)
            .addJavadoc("$L $L of node $L.\n", s.layer.layer().label(), s.layer.out(), s.node.name())
            .build());
      }
    }
    for (Sections.Section section : sections) {
      type.addField(FieldSpec.builder(BRANCHES, section.field())
          .addJavadoc("The $L branches into node $L.\n", section.branches().size(), section.merge().name())
          .build());
    }
    if (network.head().equals("SOFTMAX_CROSS_ENTROPY") || network.head().equals("SIGMOID_BINARY_CROSS_ENTROPY")) {
      type.addField(FieldSpec.builder(ModelWriter.indarray(), "probs")
          .addJavadoc("The head's probabilities $L.\n", dims(network.output().out())).build());
    }
    type.addMethod(constructor(type)).addMethod(enableBackward(type));
    return type.build();
  }

  private MethodSpec constructor(TypeSpec.Builder type) {
    Shape in = network.input();
    MethodSpec.Builder m = MethodSpec.constructorBuilder().addParameter(int.class, "n")
        .addStatement("super(n)")
        .addStatement("input = create(n, $L, $L, $L)", in.channels(), in.height(), in.width());
    Body body = new Body();
    for (Step s : plan.steps) {
      if (s.in.kind == Kind.FLAT_VIEW && s.layer.layer() instanceof Layer.Dense && !produced(s.in)) {
        body.add("$N = $N.reshape(n, $L)", s.in.field, s.in.source.field, s.in.shape.size());
      }
      if (s.out.kind == Kind.OWN) {
        body.add("$N = create($L)", s.out.field, args(s.out.shape));
      } else if (s.out.kind == Kind.FLAT_VIEW) {
        body.add("$N = $N.reshape(n, $L)", s.out.field, s.in.field, s.out.shape.size());
      }
      if (s.kernel != null) {
        body.add("$N = $L", s.kernel, newKernel(s));
      }
    }
    for (Sections.Section section : sections) {
      body.add("$N = branches(new long[] {$L}, new long[] {$L}, $L)", section.field(),
          section.branches().stream().map(b -> CodeBlock.of("$L", b.calls())).collect(CodeBlock.joining(", ")),
          section.branches().stream().map(b -> CodeBlock.of("$LL", b.multiplyAdds())).collect(CodeBlock.joining(", ")),
          section.branches().stream().map(b -> CodeBlock.of("() -> $N(this)", b.method())).collect(CodeBlock.joining(", ")));
    }
    body.into(m, type, "allocate");
    m.addStatement("output = $N", plan.output.field);
    m.addStatement("nodeOutputs = new $T[] {$L}", ModelWriter.indarray(), plan.nodeOutputs.stream()
        .map(a -> CodeBlock.of("$N", a.field)).collect(CodeBlock.joining(", ")));
    switch (network.head()) {
      case "SOFTMAX_CROSS_ENTROPY":
        m.addStatement("probs = create($L)", args(network.output().out()));
        m.addStatement("loss = new $T(probs, output)", SOFTMAX_CE);
        break;
      case "SIGMOID_BINARY_CROSS_ENTROPY":
        m.addStatement("probs = create($L)", args(network.output().out()));
        m.addStatement("loss = new $T(probs, output)", SIGMOID_CE);
        break;
      case "MEAN_SQUARED_ERROR":
        if (network.output().out().flat()) {
          m.addStatement("loss = new $T(output)", MSE);
        } else {
          m.addStatement("loss = new $T(output.reshape(n, $L))", MSE, network.output().out().size());
        }
        break;
      default:
        break;
    }
    return m.build();
  }

  /** Whether {@code act} is some step's output (and so assigned where that step is). */
  private boolean produced(Act act) {
    return plan.steps.stream().anyMatch(s -> s.out == act);
  }

  private CodeBlock newKernel(Step s) {
    Layer layer = s.layer.layer();
    CodeBlock bias = value(s.bias);
    if (layer instanceof Layer.Conv) {
      return CodeBlock.of("new $T($N, $N, $L, $L, $L)", CONV, s.out.field, s.in.field,
          value(s.weight), bias, ModelWriter.window(s.layer.geometry()));
    }
    if (layer instanceof Layer.Pool p) {
      if (p.max()) {
        return CodeBlock.of("$T.max($N, $N, $L)", POOL, s.out.field, s.in.field,
            ModelWriter.window(s.layer.geometry()));
      }
      boolean countPadding = p.countPadding() && p.padding().mode() == Layer.Padding.Mode.EXPLICIT;
      return CodeBlock.of("$T.avg($N, $N, $L, $L)", POOL, s.out.field, s.in.field,
          ModelWriter.window(s.layer.geometry()), countPadding);
    }
    if (layer instanceof Layer.Dense) {
      return CodeBlock.of("new $T($N, $N, $L, $L)", DENSE, s.out.field, s.in.field, value(s.weight), bias);
    }
    if (layer.merges()) {
      return CodeBlock.of("new $T($N, $L)", layer instanceof Layer.Concat ? CONCAT : ADD, s.out.field,
          s.ins.stream().map(a -> CodeBlock.of("$N", a.field)).collect(CodeBlock.joining(", ")));
    }
    if (layer instanceof Layer.BatchNorm b) {
      return CodeBlock.of("new $T($N, $N, $L, $L, $L, $L, $L, $L)", BATCH_NORM, s.out.field, s.in.field,
          value(s.weight), value(s.bias), value(s.runningMean), value(s.runningVar),
          b.momentum().value(), b.eps().value());
    }
    if (layer instanceof Layer.Lrn l) {
      return CodeBlock.of("new $T($N, $N, $L, $L, $L, $L)", LRN, s.out.field, s.in.field,
          l.depthRadius().value(), l.bias().value(), l.alpha().value(), l.beta().value());
    }
    if (layer instanceof Layer.Dropout d) {
      // A salt per kernel; the mask of each forward also depends on the model's dropoutKey().
      return CodeBlock.of("new $T($N, $N, $L, $LL)", DROPOUT, s.out.field, s.in.field,
          d.p().value(), (long) s.kernel.hashCode() * 0x9E3779B97F4A7C15L);
    }
    if (layer instanceof Layer.GlobalAvgPool) {
      return CodeBlock.of("new $T($N, $N)", GAP, s.out.field, s.in.field);
    }
    if (layer instanceof Layer.Activation a) {
      ClassName type = switch (a.kind()) {
        case SIGMOID -> SIGMOID;
        case TANH -> TANH;
        case SOFTMAX -> SOFTMAX;
      };
      return CodeBlock.of("new $T($N, $N)", type, s.out.field, s.in.field);
    }
    return CodeBlock.of("new $T($N, $N)", RELU, s.out.field, s.in.field);
  }

  private MethodSpec enableBackward(TypeSpec.Builder type) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("enableBackward").addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED);
    Body body = new Body();
    for (Act a : plan.acts) {
      if (a.gradField != null && a.kind != Kind.ALIAS) {
        if (a.kind == Kind.OWN) {
          body.add("$N = create($L)", a.gradField, args(a.shape));
        } else {
          body.add("$N = $N.reshape(n, $L)", a.gradField, a.source.gradField, a.shape.size());
        }
      }
      if (a.partField != null) {
        if (a.kind == Kind.FLAT_VIEW) {
          body.add("$N = $N.reshape(n, $L)", a.partField, BufferPlan.root(a).partField, a.shape.size());
        } else {
          body.add("$N = create($L)", a.partField, args(a.shape));
        }
      }
      if (a.accumulator != null) {
        body.add("$N = new $T($N, $N)", a.accumulator, ACCUMULATE, a.gradField, a.partField);
      }
    }
    if (plan.output.gradField != null) {
      body.add("outputGradient = $N", plan.output.gradField);
    } else {
      body.add("outputGradient = create($L)", args(plan.output.shape));
    }
    for (Step s : plan.steps) {
      if (!runsBackward(s)) {
        continue;
      }
      List<CodeBlock> dx = s.dxTargets.stream()
          .map(t -> t == null ? CodeBlock.of("null") : CodeBlock.of("$N", t)).toList();
      if (s.weight != null && s.dxTargets.get(0) == null && s.ins.get(0).kind == Kind.INPUT) {
        body.comment("No input gradient: nothing before $L learns.", s.node.name());
      }
      if (s.weight != null || s.layer.layer() instanceof Layer.BatchNorm) {
        body.add("$N.withGradients($L, $L, $L, $N)", s.kernel, dx.get(0), gradient(s.weight),
            gradient(s.bias), s.out.gradField);
      } else if (s.layer.layer().merges()) {
        body.add("$N.withGradients($N, $L)", s.kernel, s.out.gradField, CodeBlock.join(dx, ", "));
      } else {
        body.add("$N.withGradients($L, $N)", s.kernel, dx.get(0), s.out.gradField);
      }
    }
    if (network.head().equals("MEAN_SQUARED_ERROR") && !network.output().out().flat()) {
      body.add("loss.withGradients(outputGradient.reshape(n, $L))", network.output().out().size());
    } else if (network.hasHead()) {
      body.add("loss.withGradients(outputGradient)");
    }
    body.into(m, type, "enableBackward");
    return m.build();
  }

  /** The parameter's value, as code: looked up by name once per batch size. */
  private static CodeBlock value(Param p) {
    if (p == null) {
      return CodeBlock.of("null");
    }
    return p.buffer() ? CodeBlock.of("buffer($S)", p.name()) : CodeBlock.of("value($S)", p.name());
  }

  /** The parameter's gradient, as code. */
  private static CodeBlock gradient(Param p) {
    return p == null ? CodeBlock.of("null") : CodeBlock.of("gradient($S)", p.name());
  }

  private static ClassName kernelType(Layer layer) {
    if (layer instanceof Layer.BatchNorm) {
      return BATCH_NORM;
    }
    if (layer instanceof Layer.Lrn) {
      return LRN;
    }
    if (layer instanceof Layer.Dropout) {
      return DROPOUT;
    }
    if (layer instanceof Layer.GlobalAvgPool) {
      return GAP;
    }
    if (layer instanceof Layer.Activation a) {
      return switch (a.kind()) {
        case SIGMOID -> SIGMOID;
        case TANH -> TANH;
        case SOFTMAX -> SOFTMAX;
      };
    }
    if (layer instanceof Layer.Conv) {
      return CONV;
    }
    if (layer instanceof Layer.Pool) {
      return POOL;
    }
    if (layer instanceof Layer.Dense) {
      return DENSE;
    }
    if (layer instanceof Layer.Concat) {
      return CONCAT;
    }
    if (layer instanceof Layer.Add) {
      return ADD;
    }
    return RELU;
  }

  /** n, C, H, W or n, F: the arguments of create(...). */
  static String args(Shape shape) {
    return dims(shape).substring(1, dims(shape).length() - 1);
  }

  /** [n, C, H, W] or [n, F], as code. */
  static String dims(Shape shape) {
    return "[n, " + Arrays.stream(shape.dims()).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + "]";
  }
}
