package dev.netwright.processor.writing;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * Generated lines of at most {@link #WIDTH} columns: an argument list stays on its statement's line
 * while it fits and goes on at the next line where it does not, as one would write it.
 */
final class Lines {
  /** Columns a generated line may take. */
  static final int WIDTH = 120;

  /** How much deeper a statement's continuation lines are indented. */
  private static final int CONTINUATION = 4;

  private Lines() {}

  /**
   * {@code head} (a statement's text up to its list, "x = new Conv2d("), the {@code items}
   * separated by commas, then {@code tail}; the statement starts at column {@code indent}. Where
   * the head leaves no room for the first item, the list starts on the next line.
   */
  static CodeBlock list(int indent, CodeBlock head, List<CodeBlock> items, String tail) {
    return list(indent, head, items, tail, -1);
  }

  /**
   * As {@link #list(int, CodeBlock, List, String)}, and a line break before item {@code
   * breakBefore}.
   */
  static CodeBlock list(
      int indent, CodeBlock head, List<CodeBlock> items, String tail, int breakBefore) {
    CodeBlock.Builder out = CodeBlock.builder().add(head);
    int column = indent + RuntimeNames.width(head);
    for (int i = 0; i < items.size(); i++) {
      String after = i == items.size() - 1 ? tail + ";" : ",";
      int width = RuntimeNames.width(items.get(i)) + after.length();
      int space = i > 0 ? 1 : 0;
      if (i == breakBefore || column + space + width > WIDTH && column > indent + CONTINUATION) {
        out.add("\n");
        column = indent + CONTINUATION;
      } else if (i > 0) {
        out.add(" ");
        column++;
      }
      out.add(items.get(i));
      column += width;
      if (i < items.size() - 1) {
        out.add(",");
      }
    }
    return out.add(tail).build();
  }

  /** {@code text} broken at spaces into lines of at most {@code width} where its words allow. */
  static List<String> words(String text, int width) {
    List<String> lines = new ArrayList<>();
    String line = "";
    for (String word : text.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        lines.add(line);
        line = word;
      } else {
        line = line.isEmpty() ? word : line + " " + word;
      }
    }
    lines.add(line);
    return lines;
  }

  /**
   * {@code text} as the lines of a Javadoc at column {@code indent}, ending by column 100 where
   * words allow.
   */
  static String javadoc(int indent, String text) {
    return String.join("\n", words(text, 100 - indent - " * ".length())) + "\n";
  }
}
