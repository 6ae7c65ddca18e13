package dev.netwright.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.processor.fuzz.Ast.Net;
import dev.netwright.processor.fuzz.Harness.Case;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property test of the processor over random networks (see {@link Generator}), judged by an
 * independent oracle (see {@link Oracle}). Many networks share a compilation to keep it fast.
 *
 * <p>Each run fuzzes the fixed seed (the same networks every time) and a fresh seed (new networks
 * every run, printed at the start and in every failure, so that any failure reproduces with {@code
 * -Dnetwright.fuzz.seed=}). System properties: {@code netwright.fuzz.seed} (one seed or a
 * comma-separated list: only those run), {@code .fresh} (how many fresh seeds, default 1), {@code
 * .networks} (how many per seed), {@code .seconds} (time bound per seed; batches stop after it),
 * {@code .forward} and {@code .gradients} (how many valid networks are run, and gradient-checked in
 * DOUBLE), {@code .only} (one network by index, to reproduce a failure). The {@code fuzz-long}
 * Maven profile runs ten times as many networks per seed.
 */
class NetworkFuzzTest {
  /** The seed every run fuzzes. */
  static final long FIXED_SEED = 20261122L;

  private static final String SEEDS = System.getProperty("netwright.fuzz.seed");
  private static final int FRESH = Integer.getInteger("netwright.fuzz.fresh", 1);
  private static final int NETWORKS = Integer.getInteger("netwright.fuzz.networks", 1200);
  private static final int SECONDS = Integer.getInteger("netwright.fuzz.seconds", 150);
  private static final int FORWARD = Integer.getInteger("netwright.fuzz.forward", 20);
  private static final int GRADIENTS = Integer.getInteger("netwright.fuzz.gradients", 5);
  private static final Integer ONLY = Integer.getInteger("netwright.fuzz.only");
  private static final int THREADS =
      Integer.getInteger(
          "netwright.fuzz.threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
  private static final int VALID_BATCH = 40;
  private static final int INVALID_BATCH = 80;

  /** The network of index {@code i} of the fixed seed. */
  static Case generate(int i) {
    return generate(FIXED_SEED, i);
  }

  /** The network of index {@code i} of {@code runSeed}: the same whatever the count. */
  static Case generate(long runSeed, int i) {
    long seed = new Random(runSeed * 0x9E3779B97F4A7C15L + i).nextLong();
    Random r = new Random(seed);
    Net net = Generator.valid("N" + i, r.nextLong());
    if (r.nextInt(100) < 45) {
      Net broken = Generator.invalid(net, r.nextLong());
      net = broken == null ? net : broken;
    }
    return new Case(i, seed, net, Oracle.judge(net));
  }

  /** The seeds of this run: those asked for, or the fixed one and {@link #FRESH} fresh ones. */
  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    if (SEEDS != null && !SEEDS.isBlank()) {
      for (String s : SEEDS.split(",")) {
        seeds.add(Long.parseLong(s.strip()));
      }
      return seeds;
    }
    seeds.add(FIXED_SEED);
    SecureRandom fresh = new SecureRandom();
    for (int i = 0; i < FRESH; i++) {
      seeds.add(fresh.nextLong());
    }
    return seeds;
  }

  @TestFactory
  Stream<DynamicTest> randomNetworksCompileAsTheOracleSays() {
    return seeds().stream()
        .map(
            seed ->
                DynamicTest.dynamicTest(
                    "seed " + seed + (seed == FIXED_SEED ? " (fixed)" : ""), () -> fuzz(seed)));
  }

  private static void fuzz(long seed) throws Exception {
    String reproduce = "-Dnetwright.fuzz.seed=" + seed;
    System.out.println(
        "netwright fuzz: seed "
            + seed
            + (seed == FIXED_SEED ? " (the fixed seed)" : " (fresh)")
            + ", "
            + NETWORKS
            + " networks; reproduce with "
            + reproduce);
    long start = System.nanoTime();
    long deadline = start + SECONDS * 1_000_000_000L;
    Harness h = new Harness(20);
    List<Case> valid = new ArrayList<>();
    List<Case> invalid = new ArrayList<>();
    Map<String, Integer> faults = new TreeMap<>();
    int first = ONLY == null ? 0 : ONLY;
    int last = ONLY == null ? NETWORKS : ONLY + 1;
    for (int i = first; i < last; i++) {
      Case c = generate(seed, i);
      if (c.net().fault.equals("valid") && !c.verdict().valid) {
        h.fail(
            "generator built an invalid network (a bug of this test)",
            c,
            c.verdict().errors.toString());
        continue;
      }
      faults.merge(c.net().fault + (c.verdict().valid ? "" : " (invalid)"), 1, Integer::sum);
      (c.verdict().valid ? valid : invalid).add(c);
    }
    List<Case> forward =
        spread(valid.stream().filter(c -> c.net().fault.equals("valid")).toList(), FORWARD);
    List<Case> gradients =
        spread(
            valid.stream()
                .filter(c -> c.net().fault.equals("valid") && !hasDropout(c.net()))
                .toList(),
            GRADIENTS);
    h.keep.addAll(forward);
    h.keep.addAll(gradients);
    long generated = System.nanoTime();
    List<List<Case>> batches = new ArrayList<>();
    for (int v = 0, i = 0;
        v < valid.size() || i < invalid.size();
        v += VALID_BATCH, i += INVALID_BATCH) {
      if (v < valid.size()) {
        batches.add(new ArrayList<>(valid.subList(v, Math.min(valid.size(), v + VALID_BATCH))));
      }
      if (i < invalid.size()) {
        batches.add(
            new ArrayList<>(invalid.subList(i, Math.min(invalid.size(), i + INVALID_BATCH))));
      }
    }
    // javac is single-threaded: one compilation per core.
    AtomicInteger checked = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (List<Case> batch : batches) {
      done.add(
          pool.submit(
              () -> {
                if (System.nanoTime() < deadline) {
                  h.check(batch);
                  checked.addAndGet(batch.size());
                }
              }));
    }
    try {
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long compiledAt = System.nanoTime();
    int[] ran = run(h, forward, gradients);
    long end = System.nanoTime();
    System.out.printf(
        "netwright fuzz: seed %d, %d networks generated (%d valid, %d invalid) in %.1f s;"
            + " %d checked in %d compilations, %.1f s compiling (%.1f s in javac, %d threads); %d forward and %d gradient"
            + " checks in %.1f s; %d failure(s)%n",
        seed,
        valid.size() + invalid.size(),
        valid.size(),
        invalid.size(),
        (generated - start) / 1e9,
        checked.get(),
        h.compilations.get(),
        (compiledAt - generated) / 1e9,
        h.compileNanos.get() / 1e9,
        THREADS,
        ran[0],
        ran[1],
        (end - compiledAt) / 1e9,
        h.failures.size());
    System.out.println("netwright fuzz: networks by fault: " + faults);
    if (checked.get() < valid.size() + invalid.size()) {
      System.out.println(
          "netwright fuzz: time bound of " + SECONDS + " s reached after " + checked + " networks");
    }
    assertTrue(
        h.failures.isEmpty(),
        () -> "seed " + seed + " (reproduce with " + reproduce + "): " + h.report(2));
  }

  /** {@code n} cases spread evenly over {@code all}. */
  private static List<Case> spread(List<Case> all, int n) {
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, all.size()); i++) {
      out.add(all.get((int) ((long) i * all.size() / Math.min(n, all.size()))));
    }
    return out;
  }

  /** Forward on one sample of the valid networks, gradient checks on another (without dropout). */
  private static int[] run(Harness h, List<Case> forward, List<Case> gradients) {
    Runner runner = new Runner();
    int[] ran = new int[2];
    for (Case k : forward) {
      ClassLoader c = h.compiled.get(k);
      if (c == null) {
        continue; // not compiled: reported, or past the time bound
      }
      ran[0]++;
      try {
        String wrong = runner.forward(k, c);
        if (wrong != null) {
          h.fail("forward gives a wrong shape or value", k, wrong);
        }
      } catch (Throwable t) {
        h.fail("running the generated network threw " + Harness.causes(t), k, Harness.trace(t));
      }
    }
    for (Case k : gradients) {
      ClassLoader c = h.compiled.get(k);
      if (c == null) {
        continue;
      }
      ran[1]++;
      try {
        String wrong = runner.gradients(k, c, 3);
        if (wrong != null) {
          h.fail("backward disagrees with central differences", k, wrong);
        }
      } catch (Throwable t) {
        h.fail("running the generated network threw " + Harness.causes(t), k, Harness.trace(t));
      }
    }
    return ran;
  }

  /** Dropout draws a new mask each forward, which central differences cannot follow. */
  private static boolean hasDropout(Net net) {
    List<Ast.Node> all = new ArrayList<>(net.nodes);
    net.blocks.forEach(b -> all.addAll(b.nodes));
    return all.stream()
        .anyMatch(n -> n.layers.stream().anyMatch(l -> l instanceof Ast.Dropout d && d.p() > 0));
  }
}
