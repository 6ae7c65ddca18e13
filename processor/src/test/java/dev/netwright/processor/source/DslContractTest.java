package dev.netwright.processor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.dsl.Block;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Network;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.layer.Layers;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The processor and the DSL name the same things: every annotation of {@code dev.netwright.dsl} is
 * one the processor parses, and every attribute the processor reads is declared by its annotation
 * with the type the processor expects (a renamed attribute fails here, not silently at compile time
 * of a user's network).
 */
class DslContractTest {
  /** The annotations that are not a layer or a block: what declares a network or a block. */
  private static final Set<Class<? extends Annotation>> DECLARATIONS =
      Set.of(Network.class, Input.class, Block.class);

  @Test
  void everyDslAnnotationIsParsedAsALayerOrABlock() throws Exception {
    Set<String> unparsed = new TreeSet<>();
    for (Class<? extends Annotation> annotation : dslAnnotations()) {
      String name = annotation.getCanonicalName();
      if (!DECLARATIONS.contains(annotation)
          && !Layers.annotations().contains(name)
          && !BlockParser.annotations().contains(name)) {
        unparsed.add(name);
      }
    }
    assertEquals(Set.of(), unparsed, "DSL annotations the processor would ignore");
  }

  @Test
  void everyLayerAndBlockReadsOnlyAttributesItsAnnotationDeclares() throws Exception {
    for (Class<? extends Annotation> annotation : dslAnnotations()) {
      String name = annotation.getCanonicalName();
      if (Layers.annotations().contains(name)) {
        assertNotNull(Layers.parse(name, new Defaults(annotation)), name);
      } else if (BlockParser.annotations().contains(name)) {
        assertNotNull(BlockParser.parse(new Defaults(annotation), name), name);
      }
    }
    assertTrue(
        NetworkParser.NETWORK.endsWith(".Network")); // its attributes are checked as it loads
  }

  @Test
  void anAttributeTheDslDoesNotDeclareFailsAtOnce() {
    IllegalStateException renamed =
        assertThrows(
            IllegalStateException.class, () -> Attribute.of(Conv.class, "filter", int.class));
    assertTrue(renamed.getMessage().contains("'filter' of @Conv"), renamed.getMessage());
    assertThrows(
        IllegalStateException.class, () -> Attribute.of(Conv.class, "filters", double.class));
  }

  /** Every annotation type in the DSL's package, read from its class directory or jar. */
  private static List<Class<? extends Annotation>> dslAnnotations()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String dir = Network.class.getPackageName().replace('.', '/') + "/";
    List<String> files = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root.resolve(dir))) {
        s.forEach(p -> files.add(dir + p.getFileName()));
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(dir)).forEach(files::add);
      }
    }
    List<Class<? extends Annotation>> annotations = new ArrayList<>();
    for (String file : files) {
      if (!file.endsWith(".class") || file.contains("$") || file.endsWith("package-info.class")) {
        continue;
      }
      Class<?> type = Class.forName(file.substring(0, file.length() - 6).replace('/', '.'));
      if (type.isAnnotation()) {
        annotations.add(type.asSubclass(Annotation.class));
      }
    }
    assertTrue(annotations.size() > 20, "found only " + annotations);
    return annotations;
  }

  /** Answers any attribute of one annotation with a plain value, and refuses another's. */
  private record Defaults(Class<? extends Annotation> annotation) implements Attributes {
    private static final Location HERE = new Location() {};

    private void check(Attribute<?> attribute) {
      assertEquals(
          annotation,
          attribute.annotation(),
          attribute + " read from @" + annotation.getSimpleName());
    }

    @Override
    public Location location() {
      return HERE;
    }

    @Override
    public boolean isWritten(Attribute<?> attribute) {
      check(attribute);
      return true;
    }

    @Override
    public Value intValue(Attribute<Integer> attribute) {
      check(attribute);
      return Value.written(1, HERE);
    }

    @Override
    public Real realValue(Attribute<Double> attribute) {
      check(attribute);
      return new Real(0.5, HERE);
    }

    @Override
    public boolean booleanValue(Attribute<Boolean> attribute) {
      check(attribute);
      return true;
    }

    @Override
    public <E extends Enum<E>> E enumValue(Attribute<E> attribute) {
      check(attribute);
      return attribute.type().getEnumConstants()[0];
    }

    @Override
    public Location valueLocation(Attribute<?> attribute) {
      check(attribute);
      return HERE;
    }
  }
}
