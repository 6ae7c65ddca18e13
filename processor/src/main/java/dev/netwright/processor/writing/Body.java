package dev.netwright.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A method body that may grow past what one Java method holds (64 KiB of bytecode, and javac's
 * patience): written in place while it is small, otherwise split into helper methods called in
 * order, so a 1,000-node network still compiles.
 */
final class Body {
  /** Statements per method; a kernel construction compiles to about 60 bytes. */
  static final int LIMIT = 150;

  private final List<CodeBlock> statements = new ArrayList<>();

  /** Adds a statement. */
  Body add(String format, Object... args) {
    statements.add(CodeBlock.builder().addStatement(format, args).build());
    return this;
  }

  /** Adds a comment line. */
  Body comment(String format, Object... args) {
    statements.add(CodeBlock.builder().add("// " + format + "\n", args).build());
    return this;
  }

  /** Writes the statements into {@code method}, splitting into {@code prefix0()}, ... when long. */
  void into(MethodSpec.Builder method, TypeSpec.Builder type, String prefix) {
    if (statements.size() <= LIMIT) {
      statements.forEach(method::addCode);
      return;
    }
    for (int from = 0, part = 0; from < statements.size(); from += LIMIT, part++) {
      MethodSpec.Builder helper =
          MethodSpec.methodBuilder(prefix + part)
              .addModifiers(Modifier.PRIVATE)
              .addJavadoc("Part $L of a body too long for one method.\n", part);
      statements.subList(from, Math.min(from + LIMIT, statements.size())).forEach(helper::addCode);
      type.addMethod(helper.build());
      method.addStatement("$N()", prefix + part);
    }
  }
}
