package dev.netwright.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import dev.netwright.processor.layer.OnnxNode;
import dev.netwright.processor.layer.OnnxScope;
import dev.netwright.processor.writing.BufferPlan.Act;
import dev.netwright.processor.writing.BufferPlan.Kind;
import dev.netwright.processor.writing.BufferPlan.Param;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code graph()}: the network at inference as ONNX operators, each layer asked for its own
 * nodes. Tensors are named after the layer that writes them ("conv1/conv", "conv1/relu"), the
 * network's output {@code logits}, parameters by their registry names; layers that do nothing at
 * inference (dropout) and nodes the output does not need are left out.
 */
final class OnnxWriter {
  private static final String INPUT = "input";
  private static final String LOGITS = "logits";
  private static final String PROBABILITIES = "probabilities";

  private final ResolvedNetwork network;
  private final BufferPlan plan;
  private final List<CodeBlock> statements = new ArrayList<>();
  private final Map<Act, String> tensors = new HashMap<>();
  private final Set<String> names = new HashSet<>(Set.of(INPUT, LOGITS, PROBABILITIES));

  OnnxWriter(ResolvedNetwork network, BufferPlan plan) {
    this.network = network;
    this.plan = plan;
    plan.params.forEach(p -> names.add(p.name()));
  }

  /** The method, split into helpers that take the builder when the network is large. */
  MethodSpec write(TypeSpec.Builder type) {
    tensors.put(plan.input, INPUT);
    ResolvedNode node = null;
    Map<String, Integer> kinds = new HashMap<>();
    for (Step s : plan.steps) {
      if (!s.live) {
        continue;
      }
      if (s.node != node) {
        node = s.node;
        kinds.clear();
        statements.add(CodeBlock.of("// $L: $L -> $L\n", node.name(), s.layer.in(), node.out()));
      }
      String kind = s.layer.layer().kindName();
      int k = kinds.merge(kind, 1, Integer::sum);
      layer(s, unique(s.node.path() + "/" + kind + (k > 1 ? k : "")));
    }
    String out = tensors.get(plan.output);
    if (!out.equals(LOGITS)) {
      // The last layer did nothing at inference (dropout): the logits are a copy of its input.
      statements.add(node("Identity", LOGITS, List.of(out), List.of(LOGITS), List.of()));
    }
    statements.add(CodeBlock.of("g.output($S);\n", LOGITS));
    String probabilities =
        switch (network.head()) {
          case SOFTMAX_CROSS_ENTROPY -> "Softmax";
          case SIGMOID_BINARY_CROSS_ENTROPY -> "Sigmoid";
          case MEAN_SQUARED_ERROR, NONE -> null;
        };
    if (probabilities != null) {
      List<OnnxNode.Attribute> axis =
          probabilities.equals("Softmax")
              ? List.of(
                  new OnnxNode.Attribute("axis", OnnxNode.Attribute.Kind.INT, new long[] {1}, 0))
              : List.of();
      statements.add(
          node(probabilities, PROBABILITIES, List.of(LOGITS), List.of(PROBABILITIES), axis));
      statements.add(CodeBlock.of("g.output($S);\n", PROBABILITIES));
    }
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("graph")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(RuntimeNames.ONNX_GRAPH)
            .addJavadoc(
                "The network at inference as ONNX operators (opset 17), for {@code Onnx.export}.\n")
            .addStatement(
                "$T.Builder g = $T.builder()", RuntimeNames.ONNX_GRAPH, RuntimeNames.ONNX_GRAPH);
    if (statements.size() <= Body.LIMIT) {
      statements.forEach(m::addCode);
    } else {
      for (int from = 0, part = 0; from < statements.size(); from += Body.LIMIT, part++) {
        MethodSpec.Builder helper =
            MethodSpec.methodBuilder("graph" + part)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(RuntimeNames.ONNX_GRAPH.nestedClass("Builder"), "g")
                .addJavadoc("Part $L of a graph too long for one method.\n", part);
        statements
            .subList(from, Math.min(from + Body.LIMIT, statements.size()))
            .forEach(helper::addCode);
        type.addMethod(helper.build());
        m.addStatement("graph$L(g)", part);
      }
    }
    return m.addStatement("return g.build()").build();
  }

  /** Asks the step's layer for its nodes and writes them; records the tensor its output is. */
  private void layer(Step s, String base) {
    String output = s.out == plan.output ? LOGITS : base;
    Scope scope = new Scope(s, base, output);
    s.layer.layer().onnx(s.layer, scope);
    if (scope.refusal != null) {
      statements.add(
          CodeBlock.of(
              "g.refuse($S, $S, $S);\n", s.node.path(), s.layer.layer().label(), scope.refusal));
      tensors.put(s.out, output);
    } else if (scope.identity) {
      tensors.put(s.out, scope.input());
    } else {
      // A layer of one node names it; a layer of several names each under it by its operator.
      for (OnnxNode n : scope.nodes) {
        String name = scope.nodes.size() == 1 ? base : unique(base + "/" + n.op());
        statements.add(node(n.op(), name, n.inputs(), n.outputs(), n.attributes()));
      }
      tensors.put(s.out, output);
    }
  }

  /** The tensor {@code a} is: a dense layer's flat view of its input is the input itself. */
  private String tensor(Act a) {
    while (!tensors.containsKey(a) && a.kind == Kind.FLAT_VIEW) {
      a = a.source;
    }
    String name = tensors.get(a);
    if (name == null) {
      throw new IllegalStateException("no ONNX tensor for " + a.description);
    }
    return name;
  }

  private String unique(String name) {
    String candidate = name;
    for (int i = 2; !names.add(candidate); i++) {
      candidate = name + "_" + i;
    }
    return candidate;
  }

  private static CodeBlock node(
      String op,
      String name,
      List<String> inputs,
      List<String> outputs,
      List<OnnxNode.Attribute> attributes) {
    CodeBlock.Builder b = CodeBlock.builder().add("g.node($S,$W$S)", op, name);
    b.add("$Z.in($L)", strings(inputs)).add("$Z.out($L)", strings(outputs));
    for (OnnxNode.Attribute a : attributes) {
      switch (a.kind()) {
        case INT -> b.add("$Z.integer($S, $L)", a.name(), a.ints()[0]);
        case INTS ->
            b.add(
                "$Z.ints($S, $L)",
                a.name(),
                Arrays.stream(a.ints()).mapToObj(Long::toString).collect(Collectors.joining(", ")));
        case FLOAT -> b.add("$Z.real($S, $Lf)", a.name(), (float) a.real());
      }
    }
    return b.add(";\n").build();
  }

  private static CodeBlock strings(List<String> values) {
    return CodeBlock.join(values.stream().map(v -> CodeBlock.of("$S", v)).toList(), ",$W");
  }

  /** One step's view of the graph, for its layer. */
  private final class Scope implements OnnxScope {
    private final Step step;
    private final String base;
    private final String output;
    private final List<OnnxNode> nodes = new ArrayList<>();
    private boolean identity;
    private String refusal;

    Scope(Step step, String base, String output) {
      this.step = step;
      this.base = base;
      this.output = output;
    }

    @Override
    public List<String> inputs() {
      return step.ins.stream().map(OnnxWriter.this::tensor).toList();
    }

    @Override
    public String output() {
      return output;
    }

    @Override
    public String parameter(String name) {
      Param p = step.params.get(name);
      return p == null ? null : p.name();
    }

    @Override
    public String name(String part) {
      return unique(base + "/" + part);
    }

    @Override
    public OnnxNode add(String op) {
      OnnxNode n = OnnxNode.of(op);
      nodes.add(n);
      return n;
    }

    @Override
    public void fill(String name, double value, long... dims) {
      String list = Arrays.stream(dims).mapToObj(d -> d + "L").collect(Collectors.joining(", "));
      statements.add(CodeBlock.of("g.fill($S, $Lf, $L);\n", name, (float) value, list));
    }

    @Override
    public void int64s(String name, long... values) {
      String list = Arrays.stream(values).mapToObj(d -> d + "L").collect(Collectors.joining(", "));
      statements.add(CodeBlock.of("g.int64s($S, $L);\n", name, list));
    }

    @Override
    public void identity() {
      identity = true;
    }

    @Override
    public void refuse(String reason) {
      refusal = reason;
    }
  }
}
