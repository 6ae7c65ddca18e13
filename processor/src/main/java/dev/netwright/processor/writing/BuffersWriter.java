package dev.netwright.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.netwright.dsl.Head;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.layer.KernelCall;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.writing.BufferPlan.Act;
import dev.netwright.processor.writing.BufferPlan.Kind;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/** Writes the nested {@code Buffers} class: every array and kernel for one batch size. */
final class BuffersWriter {
  /** Indentation of a statement in a method of {@code Buffers}. */
  private static final int INDENT = 6;

  private final BufferPlan plan;
  private final ResolvedNetwork network;
  private final ClassName buffers;
  private final List<Sections.Section> sections;

  BuffersWriter(
      BufferPlan plan,
      ResolvedNetwork network,
      ClassName buffers,
      List<Sections.Section> sections) {
    this.plan = plan;
    this.network = network;
    this.buffers = buffers;
    this.sections = sections;
  }

  static boolean runsBackward(Step s) {
    return BufferPlan.runsBackward(s);
  }

  TypeSpec write() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(buffers)
            .addModifiers(Modifier.FINAL)
            .superclass(RuntimeNames.BATCH)
            .addJavadoc(
                "Activations, gradients and kernels for one batch size, allocated once. A gradient\n"
                    + "follows its activation, with its shape.\n");
    for (Act a : plan.acts) {
      if (a.kind == Kind.OWN || a.kind == Kind.FLAT_VIEW) {
        type.addField(
            FieldSpec.builder(RuntimeNames.INDARRAY, a.field)
                .addJavadoc(javadoc("$L $L.", a.description, dims(a.shape)))
                .build());
      }
      if (a.gradField != null && a.kind != Kind.ALIAS) {
        type.addField(RuntimeNames.INDARRAY, a.gradField);
      }
      if (a.partField != null) {
        type.addField(
            FieldSpec.builder(RuntimeNames.INDARRAY, a.partField)
                .addJavadoc(javadoc("Later contributions to {@code $N}, added in.", a.gradField))
                .build());
      }
      if (a.accumulator != null) {
        type.addField(
            FieldSpec.builder(RuntimeNames.ACCUMULATE, a.accumulator)
                .addJavadoc(javadoc("Adds {@code $N} into {@code $N}.", a.partField, a.gradField))
                .build());
      }
    }
    for (Step s : plan.steps) {
      if (s.kernel != null) {
        type.addField(RuntimeNames.kernel(s.layer.layer().kernelClass()), s.kernel);
      }
    }
    for (Sections.Section section : sections) {
      type.addField(
          FieldSpec.builder(RuntimeNames.BRANCHES, section.field())
              .addJavadoc(
                  javadoc(
                      "The $L branches into node $L.",
                      section.branches().size(),
                      section.merge().name()))
              .build());
    }
    if (hasProbabilities(network.head())) {
      type.addField(
          FieldSpec.builder(RuntimeNames.INDARRAY, "probs")
              .addJavadoc("The head's probabilities $L.\n", dims(network.output().out()))
              .build());
    }
    type.addMethod(constructor(type)).addMethod(enableBackward(type));
    return type.build();
  }

  private MethodSpec constructor(TypeSpec.Builder type) {
    Shape in = network.input();
    MethodSpec.Builder m =
        MethodSpec.constructorBuilder()
            .addParameter(int.class, "n")
            .addStatement("super(n)")
            .addStatement("input = create(n, $L, $L, $L)", in.channels(), in.height(), in.width());
    Body body = new Body();
    for (Step s : plan.steps) {
      if (s.in.kind == Kind.FLAT_VIEW && !produced(s.in)) {
        body.add("$N = $N.reshape(n, $L)", s.in.field, s.in.source.field, s.in.shape.size());
      }
      if (s.out.kind == Kind.OWN) {
        body.add("$N = create($L)", s.out.field, args(s.out.shape));
      } else if (s.out.kind == Kind.FLAT_VIEW) {
        body.add("$N = $N.reshape(n, $L)", s.out.field, s.in.field, s.out.shape.size());
      }
      if (s.kernel != null) {
        body.add("$L", newKernel(s));
      }
    }
    for (Sections.Section section : sections) {
      List<Sections.Branch> branches = section.branches();
      List<CodeBlock> args = new ArrayList<>();
      args.add(
          CodeBlock.of(
              "new long[] {$L}",
              branches.stream()
                  .map(b -> CodeBlock.of("$L", b.calls()))
                  .collect(CodeBlock.joining(", "))));
      args.add(
          CodeBlock.of(
              "new long[] {$L}",
              branches.stream()
                  .map(b -> CodeBlock.of("$LL", b.multiplyAdds()))
                  .collect(CodeBlock.joining(", "))));
      branches.forEach(b -> args.add(CodeBlock.of("() -> $N(this)", b.method())));
      // The branches' methods start a line of their own.
      body.add(
          "$L", Lines.list(INDENT, CodeBlock.of("$N = branches(", section.field()), args, ")", 2));
    }
    body.into(m, type, "allocate");
    m.addStatement("output = $N", plan.output.field);
    m.addStatement(
        "$L",
        Lines.list(
            INDENT,
            CodeBlock.of("nodeOutputs = new $T[] {", RuntimeNames.INDARRAY),
            plan.nodeOutputs.stream().map(a -> CodeBlock.of("$N", a.field)).toList(),
            "}"));
    ClassName loss = RuntimeNames.loss(network.head());
    Shape out = network.output().out();
    if (hasProbabilities(network.head())) {
      m.addStatement("probs = create($L)", args(out));
      m.addStatement("loss = new $T(probs, output)", loss);
    } else if (loss != null && out.flat()) {
      m.addStatement("loss = new $T(output)", loss);
    } else if (loss != null) {
      m.addStatement("loss = new $T(output.reshape(n, $L))", loss, out.size());
    }
    return m.build();
  }

  /** Whether {@code act} is some step's output (and so assigned where that step is). */
  private boolean produced(Act act) {
    return plan.steps.stream().anyMatch(s -> s.out == act);
  }

  /** Whether the head keeps its probabilities (a classifier's). */
  private static boolean hasProbabilities(Head head) {
    return switch (head) {
      case SOFTMAX_CROSS_ENTROPY, SIGMOID_BINARY_CROSS_ENTROPY -> true;
      case MEAN_SQUARED_ERROR, NONE -> false;
    };
  }

  /** {@code kernel = new Kernel(...)} or {@code kernel = Kernel.factory(...)}. */
  private static CodeBlock newKernel(Step s) {
    Layer layer = s.layer.layer();
    KernelCall call = layer.newKernel(new KernelWiring(s));
    ClassName kernel = RuntimeNames.kernel(layer.kernelClass());
    CodeBlock head =
        call.factory() == null
            ? CodeBlock.of("$N = new $T(", s.kernel, kernel)
            : CodeBlock.of("$N = $T.$N(", s.kernel, kernel, call.factory());
    return Lines.list(INDENT, head, call.arguments(), ")");
  }

  private MethodSpec enableBackward(TypeSpec.Builder type) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("enableBackward")
            .addAnnotation(Override.class)
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
          body.add(
              "$N = $N.reshape(n, $L)", a.partField, BufferPlan.root(a).partField, a.shape.size());
        } else {
          body.add("$N = create($L)", a.partField, args(a.shape));
        }
      }
      if (a.accumulator != null) {
        body.add(
            "$L",
            Lines.list(
                INDENT,
                CodeBlock.of("$N = new $T(", a.accumulator, RuntimeNames.ACCUMULATE),
                List.of(CodeBlock.of("$N", a.gradField), CodeBlock.of("$N", a.partField)),
                ")"));
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
      if (s.layer.parameters() > 0
          && s.dxTargets.get(0) == null
          && s.ins.get(0).kind == Kind.INPUT) {
        body.comment("No input gradient: nothing before $L learns.", s.node.name());
      }
      body.add(
          "$L",
          Lines.list(
              INDENT,
              CodeBlock.of("$N.withGradients(", s.kernel),
              s.layer.layer().gradients(new KernelWiring(s)),
              ")"));
    }
    if (network.head() == Head.MEAN_SQUARED_ERROR && !network.output().out().flat()) {
      body.add("loss.withGradients(outputGradient.reshape(n, $L))", network.output().out().size());
    } else if (network.hasHead()) {
      body.add("loss.withGradients(outputGradient)");
    }
    body.into(m, type, "enableBackward");
    return m.build();
  }

  /** A field's Javadoc, in lines that fit. */
  private static CodeBlock javadoc(String format, Object... args) {
    return CodeBlock.of("$L", Lines.javadoc(INDENT - 2, CodeBlock.of(format, args).toString()));
  }

  /** n, C, H, W or n, F: the arguments of create(...). */
  static String args(Shape shape) {
    return dims(shape).substring(1, dims(shape).length() - 1);
  }

  /** [n, C, H, W] or [n, F], as code. */
  static String dims(Shape shape) {
    return "[n, "
        + Arrays.stream(shape.dims()).mapToObj(Integer::toString).collect(Collectors.joining(", "))
        + "]";
  }
}
