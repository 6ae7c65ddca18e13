package dev.netwright.processor.fuzz;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.netwright.processor.NetworkProcessor;
import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Oracle.Expect;
import dev.netwright.processor.fuzz.Oracle.Verdict;
import dev.netwright.processor.fuzz.Renderer.Line;
import dev.netwright.processor.fuzz.Shapes.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Compiles batches of generated networks with the real processor and holds every network to the
 * oracle's verdict: no exception out of javac and no internal error; an invalid network gets its
 * expected errors, at their places, and nothing else; a valid one compiles, with only the expected
 * unused-node warnings, and shape constants equal to the oracle's. Failures are collected, never
 * thrown, so one bug does not hide the others.
 */
final class Harness {
  static final List<String> OPTIONS =
      List.of("-Xlint:all", "-Xlint:-processing", "-Xmaxerrs", "1000000", "-Xmaxwarns", "1000000");
  private static final Pattern TAG = Pattern.compile("\\[netwright/([a-z-]+)\\]");
  private static final Pattern NODE = Pattern.compile("node '([^']+)'");
  private static final Pattern CONSTANT =
      Pattern.compile("public static final (?:int|long) (\\S+) = (-?[\\d_]+)L?;");
  private static final Pattern GENERATED = Pattern.compile(Renderer.PACKAGE + "/(\\w+?)Model[.$]");

  /**
   * A parameter or buffer registered in a generated constructor: {@code p.add("res1.conv1.weight",
   * ...)}.
   */
  private static final Pattern PARAMETER = Pattern.compile("\\bp\\.(?:add|buffer)\\(\"([^\"]+)\"");

  /** One generated network with the oracle's verdict. */
  record Case(int index, long seed, Net net, Verdict verdict) {}

  /** One broken property. */
  record Failure(String category, Case c, String detail) {}

  /** A diagnostic about one network: its kind, where it stands, its text. */
  record Diag(Diagnostic.Kind kind, Line line, boolean generated, String message) {
    String tag() {
      Matcher m = TAG.matcher(message);
      return m.find() ? m.group(1) : "javac";
    }

    @Override
    public String toString() {
      return kind
          + (generated ? " in generated code" : line == null ? "" : " at " + line.loc())
          + ": "
          + message.lines().findFirst().orElse("");
    }
  }

  final List<Failure> failures = new ArrayList<>();

  /** The valid networks to be run later: their compilations are kept (the others are let go). */
  final java.util.Set<Case> keep = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * The classes of the networks to keep, from their successful compilations (one loader per
   * compilation, its class files copied: the compilations themselves are let go).
   */
  final Map<Case, ClassLoader> compiled =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());

  final java.util.concurrent.atomic.AtomicInteger compilations =
      new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicLong compileNanos =
      new java.util.concurrent.atomic.AtomicLong();
  private final int perFile;

  Harness(int perFile) {
    this.perFile = perFile;
  }

  synchronized void fail(String category, Case c, String detail) {
    failures.add(new Failure(category, c, detail));
  }

  /** Compiles {@code cases} together and checks each; valid ones are kept for running. */
  void check(List<Case> cases) {
    List<Case> remaining = new ArrayList<>(cases);
    while (!remaining.isEmpty()) {
      List<Renderer.File> files = new ArrayList<>();
      for (int i = 0; i < remaining.size(); i += perFile) {
        List<Net> nets =
            remaining.subList(i, Math.min(remaining.size(), i + perFile)).stream()
                .map(Case::net)
                .toList();
        files.add(Renderer.file(Renderer.PACKAGE + ".F" + remaining.get(i).index(), nets));
      }
      Compilation c;
      try {
        c = compile(files);
      } catch (Throwable t) {
        if (remaining.size() == 1) {
          fail("javac threw " + causes(t), remaining.get(0), trace(t));
          return;
        }
        int half = remaining.size() / 2; // find the culprit: halves compile on their own
        check(new ArrayList<>(remaining.subList(0, half)));
        check(new ArrayList<>(remaining.subList(half, remaining.size())));
        return;
      }
      Map<String, Case> byNet = new HashMap<>();
      remaining.forEach(k -> byNet.put(k.net().name, k));
      Map<Case, List<Diag>> diags = attribute(c, files, byNet, remaining);
      // A valid network refused, or generated code that does not compile, stops the compilation of
      // every other network's code: report it, take it out, compile the rest again.
      List<Case> culprits = new ArrayList<>();
      for (Case k : remaining) {
        boolean errors = diags.get(k).stream().anyMatch(d -> d.kind() == Diagnostic.Kind.ERROR);
        if (k.verdict().valid && errors) {
          culprits.add(k);
        }
      }
      if (!culprits.isEmpty()) {
        for (Case k : culprits) {
          checkValid(k, diags.get(k), c);
        }
        remaining.removeAll(culprits);
        continue;
      }
      ClassLoader loader = null;
      for (Case k : remaining) {
        if (k.verdict().valid) {
          checkValid(k, diags.get(k), c);
          if (c.status() == Compilation.Status.SUCCESS && keep.contains(k)) {
            if (loader == null) {
              loader = new Runner.MemoryClassLoader(c, Runner.class.getClassLoader());
            }
            compiled.put(k, loader);
          }
        } else {
          checkInvalid(k, diags.get(k), c);
        }
      }
      return;
    }
  }

  private Compilation compile(List<Renderer.File> files) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Renderer.File f : files) {
      sources.add(JavaFileObjects.forSourceString(f.name(), f.text()));
    }
    long start = System.nanoTime();
    try {
      return javac().withProcessors(new NetworkProcessor()).withOptions(OPTIONS).compile(sources);
    } finally {
      compilations.incrementAndGet();
      compileNanos.addAndGet(System.nanoTime() - start);
      if (Boolean.getBoolean("netwright.fuzz.verbose")) {
        System.out.printf(
            "compiled %d files in %.2f s%n", files.size(), (System.nanoTime() - start) / 1e9);
      }
    }
  }

  /** Every diagnostic, by the network it is about; the unattributable are failures of their own. */
  private Map<Case, List<Diag>> attribute(
      Compilation c, List<Renderer.File> files, Map<String, Case> byNet, List<Case> cases) {
    Map<Case, List<Diag>> out = new LinkedHashMap<>();
    cases.forEach(k -> out.put(k, new ArrayList<>()));
    Map<String, Renderer.File> byPath = new HashMap<>();
    for (Renderer.File f : files) {
      byPath.put(f.name().replace('.', '/') + ".java", f);
    }
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      if (d.getKind() == Diagnostic.Kind.NOTE) {
        continue;
      }
      String message = d.getMessage(Locale.ROOT);
      JavaFileObject source = d.getSource();
      Case owner = null;
      Line line = null;
      boolean generated = false;
      if (source != null) {
        String path = source.toUri().getPath();
        path = path == null ? source.getName() : path;
        Renderer.File f = byPath.get(path.startsWith("/") ? path.substring(1) : path);
        if (f != null) {
          line = f.lines().get((int) d.getLineNumber());
          owner = line == null ? null : byNet.get(line.network());
        } else {
          Matcher m = GENERATED.matcher(path);
          if (m.find()) {
            owner = byNet.get(m.group(1));
            generated = true;
            message =
                message.lines().findFirst().orElse("")
                    + " ["
                    + generatedLine(source, d.getLineNumber())
                    + "]";
          }
        }
      }
      Diagnostic.Kind kind =
          d.getKind() == Diagnostic.Kind.MANDATORY_WARNING ? Diagnostic.Kind.WARNING : d.getKind();
      if (owner == null) {
        fail(
            "diagnostic outside any network",
            null,
            kind
                + " "
                + (source == null ? "" : source.toUri() + ":" + d.getLineNumber())
                + " "
                + message);
        continue;
      }
      out.get(owner).add(new Diag(kind, line, generated, message));
    }
    return out;
  }

  private static String generatedLine(JavaFileObject source, long line) {
    try {
      return source
          .getCharContent(true)
          .toString()
          .lines()
          .skip(line - 1)
          .findFirst()
          .orElse("")
          .strip();
    } catch (IOException | RuntimeException e) {
      return "line " + line;
    }
  }

  private void internal(Case k, List<Diag> diags) {
    for (Diag d : diags) {
      if (d.message().contains("[netwright/internal]")) {
        fail("internal error", k, d.message());
      }
    }
  }

  /**
   * Sizes at the edge of int ("extreme" mutations) may make an example or a weight tensor hold more
   * than 2^31 - 1 values, which the processor refuses with [netwright/too-large] at the first layer
   * (or input) that gets there: the oracle leaves that rule to this check.
   */
  private static boolean tooLargeOnly(Case k, List<Diag> errors) {
    return k.net().fault.equals("extreme")
        && !errors.isEmpty()
        && errors.stream().allMatch(d -> "too-large".equals(d.tag()));
  }

  private void checkValid(Case k, List<Diag> diags, Compilation c) {
    if (diags.stream().anyMatch(d -> d.message().contains("[netwright/internal]"))) {
      internal(k, diags);
      return;
    }
    List<String> generatedErrors =
        diags.stream()
            .filter(d -> d.kind() == Diagnostic.Kind.ERROR && d.generated())
            .map(Diag::message)
            .distinct()
            .toList();
    if (!generatedErrors.isEmpty()) {
      fail("generated code does not compile", k, String.join("\n", generatedErrors));
      return;
    }
    List<Diag> refused = diags.stream().filter(d -> d.kind() == Diagnostic.Kind.ERROR).toList();
    if (!refused.isEmpty() && tooLargeOnly(k, refused)) {
      return; // an example or a weight tensor past 2^31 - 1 values: refused by design
    }
    if (!refused.isEmpty()) {
      fail("valid network refused (" + refused.get(0).tag() + ")", k, refused.toString());
      return;
    }
    List<String> expectedUnused = new ArrayList<>(k.verdict().unused);
    for (Diag d : diags) {
      if (d.kind() != Diagnostic.Kind.WARNING) {
        continue;
      }
      Matcher named = NODE.matcher(d.message());
      String node = named.find() ? named.group(1) : null;
      if (d.tag().equals("unused-node") && expectedUnused.remove(node)) {
        boolean there =
            d.line() != null && d.line().inNetwork() && node.equals(d.line().loc().node());
        if (!there) {
          fail("unused-node warning not on the node's own line", k, d.toString());
        }
        continue;
      }
      fail("unexpected warning (" + d.tag() + ")", k, d.toString());
    }
    if (!expectedUnused.isEmpty()) {
      fail("missing unused-node warning", k, "expected for " + expectedUnused + "; got " + diags);
    }
    if (c.status() != Compilation.Status.SUCCESS) {
      return; // reported as an error outside any network
    }
    String model = Renderer.PACKAGE + "." + k.net().name + "Model";
    Map<String, Long> constants = new HashMap<>();
    try {
      JavaFileObject f = c.generatedSourceFile(model).orElse(null);
      if (f == null) {
        fail("valid network generated nothing", k, model + " missing");
        return;
      }
      CharSequence text = f.getCharContent(true);
      Matcher m = CONSTANT.matcher(text);
      while (m.find()) {
        constants.put(m.group(1), Long.parseLong(m.group(2).replace("_", "")));
      }
      String clash = parameterNameClash(text, constants);
      if (clash != null) {
        fail("parameter names clash", k, clash);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Long> expected = expectedConstants(k.net(), k.verdict());
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      Long got = constants.get(e.getKey());
      if (!e.getValue().equals(got)) {
        wrong.add(e.getKey() + " = " + got + ", expected " + e.getValue());
      }
    }
    if (!wrong.isEmpty()) {
      fail("wrong shape constant", k, String.join("; ", wrong));
    }
  }

  /** INPUT_*, CLASSES and every top-level node's shape constants, as the oracle has them. */
  static Map<String, Long> expectedConstants(Net net, Verdict v) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("INPUT_CHANNELS", (long) net.channels);
    out.put("INPUT_HEIGHT", (long) net.height);
    out.put("INPUT_WIDTH", (long) net.width);
    for (Map.Entry<String, Shape> e : v.shapes.entrySet()) {
      // camelCase node names give CAMEL_CASE constants: poolProjection -> POOL_PROJECTION_CHANNELS
      String name = e.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
      Shape s = e.getValue();
      if (s.flat()) {
        out.put(name + "_FEATURES", s.c());
      } else {
        out.put(name + "_CHANNELS", s.c());
        out.put(name + "_HEIGHT", s.h());
        out.put(name + "_WIDTH", s.w());
      }
    }
    out.put("CLASSES", (long) v.classes);
    return out;
  }

  private void checkInvalid(Case k, List<Diag> diags, Compilation c) {
    if (diags.stream().anyMatch(d -> d.message().contains("[netwright/internal]"))) {
      internal(k, diags); // the one failure to report for this network
      return;
    }
    Verdict v = k.verdict();
    List<Diag> errors =
        new ArrayList<>(
            diags.stream()
                .filter(d -> d.kind() == Diagnostic.Kind.ERROR && !d.generated())
                .toList());
    if (errors.isEmpty()) {
      // Among invalid networks its model was not compiled: compile it alone to tell what it does.
      String alone;
      try {
        Compilation solo =
            compile(
                List.of(Renderer.file(Renderer.PACKAGE + ".Alone" + k.index(), List.of(k.net()))));
        alone =
            solo.status() == Compilation.Status.SUCCESS
                ? "; alone, it compiles"
                : "; alone, it does not compile: "
                    + solo.errors().stream()
                        .map(d -> d.getMessage(Locale.ROOT).lines().findFirst().orElse(""))
                        .distinct()
                        .toList();
      } catch (Throwable t) {
        alone = "; alone, javac throws " + t;
      }
      fail(
          v.tooLarge ? "accepted a network past the int range" : "invalid network accepted",
          k,
          "expected " + v.errors + "; got " + diags + alone);
      return;
    }
    if (v.tooLarge) {
      return; // refused: any error will do
    }
    List<Diag> unmatched = new ArrayList<>(errors);
    List<Expect> missing = new ArrayList<>();
    for (Expect e : v.errors) {
      Diag found = null;
      for (Diag d : unmatched) {
        boolean tag = e.tags().isEmpty() || e.tags().contains(d.tag());
        boolean place = e.at().isEmpty() || (d.line() != null && e.at().contains(d.line().loc()));
        if (tag && place) {
          found = d;
          break;
        }
      }
      if (found == null) {
        missing.add(e);
      } else {
        unmatched.remove(found);
      }
    }
    if ((!missing.isEmpty() || !unmatched.isEmpty()) && tooLargeOnly(k, errors)) {
      return; // past 2^31 - 1 values, refused before the fault the mutation meant
    }
    if (!missing.isEmpty() || !unmatched.isEmpty()) {
      java.util.SortedSet<String> want = new java.util.TreeSet<>();
      v.errors.forEach(
          e ->
              want.add(
                  e.tags().isEmpty()
                      ? "any"
                      : String.join("|", new java.util.TreeSet<>(e.tags()))));
      java.util.SortedSet<String> got = new java.util.TreeSet<>();
      errors.forEach(d -> got.add(d.tag()));
      fail(
          "errors differ: expected " + want + ", got " + got,
          k,
          "missing " + missing + "; unexpected " + unmatched + "; all errors " + errors);
      return;
    }
    boolean usage = v.errors.stream().anyMatch(Expect::usage);
    if (usage && errors.stream().noneMatch(d -> d.line() != null && d.line().inNetwork())) {
      fail(
          "no error within the network's own lines (" + errors.get(0).tag() + ")",
          k,
          "errors: " + errors + "; expected " + v.errors);
    }
  }

  /** The failures by category, each with up to {@code examples} reproducible examples. */
  String report(int examples) {
    Map<String, List<Failure>> byCategory = new LinkedHashMap<>();
    for (Failure f : failures) {
      String key = f.category() + (f.c() == null ? "" : " [fault: " + f.c().net().fault + "]");
      byCategory.computeIfAbsent(key, x -> new ArrayList<>()).add(f);
    }
    StringBuilder s = new StringBuilder();
    s.append(failures.size())
        .append(" failure(s) in ")
        .append(byCategory.size())
        .append(" categories\n");
    for (Map.Entry<String, List<Failure>> e : byCategory.entrySet()) {
      s.append("\n=== ")
          .append(e.getKey())
          .append(": ")
          .append(e.getValue().size())
          .append(" case(s)\n");
      List<Failure> list = e.getValue();
      list.sort((a, b) -> Integer.compare(size(a), size(b)));
      for (Failure f : list.subList(0, Math.min(examples, list.size()))) {
        if (f.c() != null) {
          s.append("--- network #")
              .append(f.c().index())
              .append(" (seed ")
              .append(f.c().seed())
              .append(")\n");
          s.append(Renderer.source(f.c().net()));
        }
        s.append(">>> ").append(f.detail().strip()).append("\n");
      }
    }
    return s.toString();
  }

  /** Smaller examples first: they make the better reproducers. */
  private static int size(Failure f) {
    return f.c() == null ? 0 : Renderer.source(f.c().net()).length();
  }

  /**
   * Null when every parameter and buffer the generated constructor registers has a name of its own
   * (the model would refuse to build otherwise), else the names given twice. A network with
   * parameters whose names cannot be found means the generated code's form changed: that is
   * reported too, so the check cannot silently stop checking.
   */
  static String parameterNameClash(CharSequence generated, Map<String, Long> constants) {
    Map<String, Integer> seen = new LinkedHashMap<>();
    Matcher m = PARAMETER.matcher(generated);
    while (m.find()) {
      seen.merge(m.group(1), 1, Integer::sum);
    }
    if (seen.isEmpty()
        && constants.getOrDefault("PARAMETER_COUNT", 0L)
                + constants.getOrDefault("BUFFER_COUNT", 0L)
            > 0) {
      return "no parameter names found in the generated source, yet PARAMETER_COUNT = "
          + constants.get("PARAMETER_COUNT")
          + ": update Harness.PARAMETER to the generated code's form";
    }
    List<String> twice =
        seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    return twice.isEmpty()
        ? null
        : "given to more than one parameter: " + twice + " (all: " + seen.keySet() + ")";
  }

  /** The short name of {@code t}'s root cause, with the wrappers before it ("A -> B"). */
  static String causes(Throwable t) {
    StringBuilder s = new StringBuilder(t.getClass().getSimpleName());
    for (Throwable c = t; c.getCause() != null && c.getCause() != c; c = c.getCause()) {
      s.append(" -> ").append(c.getCause().getClass().getSimpleName());
    }
    return s.toString();
  }

  /**
   * The cause chain first, one line per cause with its message, then the stack trace (cut to keep
   * reports readable: the causes above survive the cut).
   */
  static String trace(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      s.append(c == t ? "" : "caused by ").append(c).append('\n');
    }
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    String stack = w.toString();
    s.append(stack.length() > 3000 ? stack.substring(0, 3000) + "..." : stack);
    return s.toString();
  }
}
