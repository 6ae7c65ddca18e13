package dev.netwright.runtime.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.ModelFileException;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A process killed (SIGKILL) in the middle of a save leaves the previous checkpoint in place and
 * loadable; its half-written temporary file is hidden beside it, never at the checkpoint's path,
 * and loading it by mistake says it is cut short. Three kills by default, ten with {@code
 * -Dnetwright.long=true}.
 */
class KillDuringSaveTest {
  private static final int ROUNDS = Boolean.getBoolean("netwright.long") ? 10 : 3;

  @TempDir Path dir;

  @Test
  void aKillMidSaveLeavesThePreviousCheckpointLoadable() throws Exception {
    Path file = dir.resolve("last.ckpt");
    Model model = SaveLoop.network(7);
    Optimizer adam = Adam.builder(model.parameters(), 1e-3).build();
    Set<Path> leftovers = new HashSet<>();
    int next = 1;
    int interrupted = 0;
    List<String> rounds = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      int good = next;
      AtomicInteger saved = new AtomicInteger(good - 1);
      Path log = Files.createTempFile("netwright-save-loop", ".log");
      Process child = start(file, good, log);
      try {
        follow(child, saved);
        await(() -> saved.get() >= good, child, log, "the child's first save");
        // Kill at a different point each round: in the header, mid-data, all written but not
        // renamed.
        long full = Files.size(file);
        long[] targets = {1, full / 2, full};
        Path temp =
            awaitTemporaryFile(file, leftovers, targets[(round - 1) % targets.length], child, log);
        int before = saved.get();
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");

        TrainingState state = Checkpoint.load(file, model, adam);
        int k = state.epoch();
        assertTrue(
            k == before || k == before + 1,
            "round "
                + round
                + ": the child had saved "
                + before
                + " when it was killed, but "
                + file
                + " holds "
                + k);
        assertAll(model.parameters().values(), k, "parameters");
        for (INDArray a : adam.state().values()) {
          assertAll(a, k, "Adam state");
        }
        if (Files.exists(temp)) {
          interrupted++;
          leftovers.add(temp);
          assertTrue(
              temp.getFileName().toString().startsWith(".last.ckpt.")
                  && temp.toString().endsWith(".tmp"),
              temp.toString());
          if (Files.size(temp) < Files.size(file)) {
            ModelFileException e =
                assertThrows(ModelFileException.class, () -> Checkpoint.load(temp, model, adam));
            assertTrue(e.getMessage().startsWith(temp + ": is cut short: it has "), e.getMessage());
            assertAll(model.parameters().values(), k, "parameters after the refused load");
          }
        }
        rounds.add(
            "round "
                + round
                + ": killed after save "
                + before
                + ", loaded "
                + k
                + (Files.exists(temp)
                    ? ", mid-save ("
                        + Files.size(temp)
                        + " of "
                        + Files.size(file)
                        + " bytes written)"
                    : ", between saves"));
        next = k + 1;
      } finally {
        child.destroyForcibly();
        Files.deleteIfExists(log);
      }
    }
    System.out.println(String.join("\n", rounds));
    assertTrue(interrupted >= 1, "no kill landed inside a save:\n" + String.join("\n", rounds));
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> checkpoints =
          files.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
      assertEquals(
          List.of(file), checkpoints, "only the checkpoint is visible; the leftovers are hidden");
    }
  }

  private static void assertAll(INDArray a, int k, String what) {
    double min = a.minNumber().doubleValue();
    double max = a.maxNumber().doubleValue();
    assertTrue(
        min == k && max == k,
        what + " of checkpoint " + k + " hold values in [" + min + ", " + max + "]");
  }

  private static Process start(Path file, int first, Path log) throws IOException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dorg.nd4j.log.initialization=false",
            "-cp",
            classPath,
            SaveLoop.class.getName(),
            file.toString(),
            String.valueOf(first));
    builder.environment().put("OMP_NUM_THREADS", "1");
    return builder.redirectError(log.toFile()).start();
  }

  /** Counts the child's "saved k" lines into {@code saved}, on a daemon thread. */
  private static void follow(Process child, AtomicInteger saved) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("saved ")) {
                    saved.set(Integer.parseInt(line.substring(6)));
                  }
                }
              } catch (IOException e) {
                // the child died: what it printed is all there is
              }
            },
            "SaveLoop output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * A temporary file beside {@code file}, not a leftover of an earlier round, that has grown to
   * {@code bytes} or more.
   */
  private Path awaitTemporaryFile(
      Path file, Set<Path> leftovers, long bytes, Process child, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> temps =
            files
                .filter(p -> p.getFileName().toString().startsWith("." + file.getFileName() + "."))
                .filter(p -> !leftovers.contains(p))
                .toList();
        for (Path temp : temps) {
          try {
            if (Files.size(temp) >= bytes) {
              return temp;
            }
          } catch (NoSuchFileException e) {
            // renamed into place meanwhile: wait for the next save's
          }
        }
      }
      if (!child.isAlive()) {
        fail("the child died: " + Files.readString(log));
      }
      Thread.onSpinWait();
    }
    fail("no temporary file of " + bytes + " bytes appeared beside " + file + " in 60 s");
    return null;
  }

  private static void await(
      java.util.function.BooleanSupplier condition, Process child, Path log, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (!child.isAlive()) {
        fail("the child died before " + what + ": " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        fail("no " + what + " in 120 s: " + Files.readString(log));
      }
      Thread.sleep(5);
    }
  }
}
