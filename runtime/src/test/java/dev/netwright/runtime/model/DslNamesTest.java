package dev.netwright.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The runtime's {@link HeadType} and {@link Parameters.Init} name what the DSL's {@link Head} and
 * {@link Init} name: generated code turns a {@code head = ...} or {@code init = ...} into the
 * runtime constant of the same name, so a constant renamed or added on one side only fails here
 * rather than in a user's build.
 */
class DslNamesTest {
  @Test
  void everyHeadIsAHeadTypeAndBack() {
    assertEquals(names(Head.values()), names(HeadType.values()));
  }

  @Test
  void everyInitIsARuntimeInitAndBack() throws IllegalAccessException {
    Set<String> dsl = names(Init.values());
    Set<String> runtime = new TreeSet<>();
    for (Field f : Parameters.Init.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == Parameters.Init.class) {
        assertEquals(
            f.getName(), f.get(null).toString(), "an initialiser prints as its constant's name");
        runtime.add(f.getName());
      }
    }
    Set<String> dslOnly = new TreeSet<>(dsl);
    dslOnly.removeAll(runtime);
    Set<String> runtimeOnly = new TreeSet<>(runtime);
    runtimeOnly.removeAll(dsl);
    // DEFAULT is no rule: the processor resolves it to the network's init, and that one to PYTORCH.
    assertEquals(Set.of("DEFAULT"), dslOnly);
    // Generated code starts biases and batch-norm scales and shifts with these; no DSL attribute
    // names them.
    assertEquals(Set.of("ONES", "ZEROS"), runtimeOnly);
  }

  private static Set<String> names(Enum<?>[] constants) {
    return new TreeSet<>(Arrays.stream(constants).map(Enum::name).toList());
  }
}
