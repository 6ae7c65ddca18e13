package dev.netwright.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.netwright.processor.writing.BufferPlan.Act;
import dev.netwright.processor.writing.BufferPlan.Kind;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each call of the generated forward and backward reads and writes, shown beside the call:
 * {@code b.conv2Conv.forward(); // conv2ConvOut <- incep1ConcatOut}. A flat view is shown as the
 * array it views, so every name is one some earlier call wrote.
 */
final class DataFlow {
  /** Indentation of a statement in a method of the model class. */
  private static final int INDENT = 4;

  /** A view's field (and its gradient's), to the array it views. */
  private final Map<String, String> viewed = new HashMap<>();

  DataFlow(BufferPlan plan) {
    for (Act a : plan.acts) {
      if (a.kind == Kind.FLAT_VIEW) {
        Act root = BufferPlan.root(a);
        viewed.put(a.field, root.field);
        if (a.gradField != null) {
          viewed.put(a.gradField, root.gradField);
        }
        if (a.partField != null) {
          viewed.put(a.partField, root.partField);
        }
      }
    }
  }

  /** "out <- in, ...": what a forward call writes and reads. */
  String forward(Step s) {
    return show(s.out.field)
        + " <- "
        + String.join(", ", s.ins.stream().map(a -> show(a.field)).toList());
  }

  /**
   * "in -> out -> out2": the arrays a chain of single-input steps goes through, from the one its
   * first step reads, one arrow per call.
   */
  String chain(List<Step> steps) {
    List<String> arrays = new ArrayList<>(List.of(show(steps.get(0).in.field)));
    steps.stream().filter(s -> s.kernel != null).forEach(s -> arrays.add(show(s.out.field)));
    return String.join(" -> ", arrays);
  }

  /**
   * "dx, ... <- dy": the input gradients a backward call writes (some later added in, see {@link
   * #accumulate}) from its output's gradient; a layer whose input needs none writes only its
   * parameters' gradients.
   */
  String backward(Step s) {
    List<String> written = s.dxTargets.stream().filter(Objects::nonNull).map(this::show).toList();
    return (written.isEmpty() ? "parameter gradients" : String.join(", ", written))
        + " <- "
        + show(s.out.gradField);
  }

  /** "grad += part": a later contribution to a gradient, added in. */
  static String accumulate(Act a) {
    return a.gradField + " += " + a.partField;
  }

  private String show(String field) {
    return viewed.getOrDefault(field, field);
  }

  /**
   * Adds {@code statement} with {@code comment} after it; a comment too long for the line goes on
   * in comment lines below it.
   */
  static void call(MethodSpec.Builder m, CodeBlock statement, String comment) {
    int column = INDENT + RuntimeNames.width(statement) + ";".length();
    List<String> first = Lines.words(comment, Lines.WIDTH - column - " // ".length());
    String rest = comment.substring(first.get(0).length()).strip();
    if (first.get(0).length() + column + " // ".length() > Lines.WIDTH) {
      rest = comment; // not even a word fits beside the statement
      m.addStatement("$L", statement);
    } else {
      m.addCode("$L; // $L\n", statement, first.get(0));
    }
    if (!rest.isEmpty()) {
      for (String line : Lines.words(rest, Lines.WIDTH - INDENT - "//     ".length())) {
        m.addCode("//     $L\n", line);
      }
    }
  }
}
