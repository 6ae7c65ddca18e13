package dev.netwright.runtime.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** How a file's named arrays differ from a model's, one line per name, for error messages. */
final class Differences {
  private Differences() {}

  /**
   * An array as one side declares it: its role ("parameter", "buffer", or "" when roles do not
   * apply) and shape.
   */
  record Spec(String role, long[] shape) {}

  /**
   * The differences in the model's order (missing and changed names), then the file's (unexpected
   * names); empty when both declare the same names, roles and shapes. {@code file} and {@code
   * owner} name the two sides in the lines, e.g. "checkpoint" and "model".
   */
  static List<String> between(
      Map<String, Spec> model, Map<String, Spec> found, String file, String owner) {
    List<String> lines = new ArrayList<>();
    model.forEach(
        (name, want) -> {
          Spec got = found.get(name);
          if (got == null) {
            lines.add("missing from the " + file + ": " + describe(name, want));
          } else if (!Arrays.equals(want.shape, got.shape)) {
            lines.add(
                "shape differs: "
                    + name
                    + " is "
                    + Arrays.toString(got.shape)
                    + " in the "
                    + file
                    + ", "
                    + Arrays.toString(want.shape)
                    + " in the "
                    + owner);
          } else if (!want.role.equals(got.role)) {
            lines.add(
                "role differs: "
                    + name
                    + " is a "
                    + got.role
                    + " in the "
                    + file
                    + ", a "
                    + want.role
                    + " in the "
                    + owner);
          }
        });
    found.forEach(
        (name, got) -> {
          if (!model.containsKey(name)) {
            lines.add(
                "unexpected in the "
                    + file
                    + " (not in the "
                    + owner
                    + "): "
                    + describe(name, got));
          }
        });
    return lines;
  }

  private static String describe(String name, Spec spec) {
    return name
        + " "
        + Arrays.toString(spec.shape)
        + (spec.role.isEmpty() ? "" : " (" + spec.role + ")");
  }

  /** The lines indented under a message's first line. */
  static String indent(List<String> lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append("\n  ").append(line);
    }
    return out.toString();
  }
}
