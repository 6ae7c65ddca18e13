package dev.netwright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.Kernel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime's packages depend downwards only: kernel, then exec, then model, then data, optim, io
 * and train, which may use each other without a cycle. Read from the compiled classes (every class
 * a class names, in code, signatures and annotations) and from the sources (imports and qualified
 * names, which also catch constants the compiler copies into the user).
 */
class LayeringTest {
  private static final Map<String, Integer> LAYER =
      Map.of("kernel", 0, "exec", 1, "model", 2, "data", 3, "optim", 3, "io", 3, "train", 3);
  private static final int TOP = 3;
  private static final Pattern CLASS_FILE_NAME =
      Pattern.compile("dev/netwright/runtime/([\\w/$]+)");
  private static final Pattern SOURCE_NAME =
      Pattern.compile("dev\\.netwright\\.runtime\\.(\\w+)\\.[A-Z]");

  @Test
  void compiledClassesOnlyPointDown() throws IOException, URISyntaxException {
    Path classes =
        Path.of(Kernel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(
        Files.isDirectory(classes), "expected the runtime's classes in a directory: " + classes);
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('\\', '/');
        Set<String> named =
            uses.computeIfAbsent(name.replaceFirst("\\.class$", ""), k -> new TreeSet<>());
        try (InputStream in = Files.newInputStream(file)) {
          for (String text : classNamesIn(in)) {
            Matcher m = CLASS_FILE_NAME.matcher(text);
            while (m.find()) {
              named.add("dev/netwright/runtime/" + m.group(1));
            }
          }
        }
      }
    }
    // The scan sees real arrows, so an empty list of problems means something.
    assertTrue(
        uses.get("dev/netwright/runtime/model/GeneratedModel")
            .contains("dev/netwright/runtime/exec/BatchPlan"));
    assertTrue(
        uses.get("dev/netwright/runtime/io/Checkpoint")
            .contains("dev/netwright/runtime/model/Model"));
    assertEquals(List.of(), problems(uses, '/'));
  }

  @Test
  void sourcesOnlyPointDown() throws IOException {
    Path sources = Path.of("src/main/java");
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name =
            sources.relativize(file).toString().replace('\\', '/').replaceFirst("\\.java$", "");
        Set<String> named = uses.computeIfAbsent(name.replace('/', '.'), k -> new TreeSet<>());
        Matcher m = SOURCE_NAME.matcher(Files.readString(file));
        while (m.find()) {
          named.add("dev.netwright.runtime." + m.group(1) + ".*");
        }
      }
    }
    assertTrue(
        uses.get("dev.netwright.runtime.train.Trainer").contains("dev.netwright.runtime.io.*"));
    assertEquals(List.of(), problems(uses, '.'));
  }

  /** Every class outside the layers, every arrow up or sideways below the top, every cycle. */
  private static List<String> problems(Map<String, Set<String>> uses, char separator) {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> top = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
      String from = layerOf(e.getKey(), separator);
      if (!LAYER.containsKey(from)) {
        problems.add(
            e.getKey()
                + " is in no layer; put it in one of "
                + new TreeSet<>(LAYER.keySet())
                + " or give its package a place in this test");
        continue;
      }
      for (String used : e.getValue()) {
        String to = layerOf(used, separator);
        if (to.equals(from)) {
          continue;
        }
        if (!LAYER.containsKey(to)) {
          problems.add(e.getKey() + " uses " + used + ", which is in no layer");
        } else if (LAYER.get(to) > LAYER.get(from)
            || (LAYER.get(to).equals(LAYER.get(from)) && LAYER.get(to) < TOP)) {
          problems.add(
              e.getKey()
                  + " uses "
                  + used
                  + ": "
                  + from
                  + " is below "
                  + to
                  + "; invert it with a small interface in "
                  + from);
        } else if (LAYER.get(to) == TOP && LAYER.get(from) == TOP) {
          top.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        }
      }
    }
    for (String start : top.keySet()) {
      List<String> cycle = cycle(top, start, new ArrayList<>(), new HashSet<>());
      if (cycle != null) {
        problems.add("the packages " + cycle + " use each other in a cycle");
        break;
      }
    }
    return problems;
  }

  // The package under dev.netwright.runtime that a class is in: "" for the root package.
  private static String layerOf(String name, char separator) {
    String prefix = "dev" + separator + "netwright" + separator + "runtime" + separator;
    String rest = name.substring(prefix.length());
    int end = rest.indexOf(separator);
    return end < 0 ? "" : rest.substring(0, end);
  }

  private static List<String> cycle(
      Map<String, Set<String>> graph, String at, List<String> path, Set<String> done) {
    if (path.contains(at)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
      cycle.add(at);
      return cycle;
    }
    if (!done.add(at)) {
      return null;
    }
    path.add(at);
    for (String next : graph.getOrDefault(at, Set.of())) {
      List<String> cycle = cycle(graph, next, path, done);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    return null;
  }

  /**
   * The constant pool's texts that name classes: class entries, descriptors and signatures, every
   * UTF-8 entry except the contents of string literals.
   */
  private static List<String> classNamesIn(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    Set<Integer> literals = new HashSet<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7, 16, 19, 20 -> in.readUnsignedShort(); // class, method type, module, package
        case 8 -> literals.add(in.readUnsignedShort()); // string literal
        case 15 -> in.skipNBytes(3); // method handle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
        case 5, 6 -> { // long and double take two entries
          in.skipNBytes(8);
          i++;
        }
        default -> throw new IOException("constant pool tag " + tag + " at entry " + i);
      }
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (utf8[i] != null && !literals.contains(i)) {
        names.add(utf8[i]);
      }
    }
    return names;
  }
}
