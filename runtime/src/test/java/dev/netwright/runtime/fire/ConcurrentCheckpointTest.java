package dev.netwright.runtime.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two writers save to one path over and over while a reader loads it: every load is one writer's
 * complete checkpoint, never an error about a cut-short or damaged file. The writers' files differ
 * in size (SGD's one state buffer against Adam's two), so a reader that measured one file and read
 * another would notice.
 */
class ConcurrentCheckpointTest {
  private static final int SAVES = 300;

  @TempDir Path dir;

  @Test
  void everyLoadSeesOneWritersWholeCheckpoint() throws Exception {
    Path file = dir.resolve("shared.ckpt");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicIntegerArray seen = new AtomicIntegerArray(2);
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      // Writer 0 saves values 0, 2, 4, ...; writer 1 saves 1, 3, 5, ...: the value is also the
      // epoch.
      Future<?> sgd = pool.submit(() -> write(file, 0, m -> new Sgd(m.parameters(), 0.1, 0.9)));
      Future<?> adam =
          pool.submit(() -> write(file, 1, m -> Adam.builder(m.parameters(), 1e-3).build()));
      Future<Integer> reader =
          pool.submit(
              () -> {
                Model model = network(99);
                int loads = 0;
                while (writing.get() || loads == 0) {
                  if (!Files.exists(file)) {
                    continue;
                  }
                  try {
                    TrainingState state = Checkpoint.load(file, model, null);
                    INDArray values = model.parameters().values();
                    double min = values.minNumber().doubleValue();
                    double max = values.maxNumber().doubleValue();
                    if (min != state.epoch() || max != state.epoch()) {
                      problems.add(
                          "a load mixed files: epoch "
                              + state.epoch()
                              + " with values in ["
                              + min
                              + ", "
                              + max
                              + "]");
                    }
                    seen.incrementAndGet(state.epoch() % 2);
                    loads++;
                  } catch (Exception e) {
                    problems.add(e.toString());
                  }
                }
                return loads;
              });
      sgd.get(2, TimeUnit.MINUTES);
      adam.get(2, TimeUnit.MINUTES);
      writing.set(false);
      int loads = reader.get(1, TimeUnit.MINUTES);
      assertEquals(List.of(), problems, loads + " loads");
      assertTrue(loads >= 10, "only " + loads + " loads");
      assertTrue(seen.get(0) > 0 && seen.get(1) > 0, "loads of each writer: " + seen);
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
    TrainingState last = Checkpoint.load(file, network(98), null);
    assertTrue(
        last.epoch() == 2 * (SAVES - 1) || last.epoch() == 2 * (SAVES - 1) + 1, "last: " + last);
  }

  private static Void write(Path file, int writer, Function<Model, Optimizer> optimizer)
      throws Exception {
    Model model = network(writer);
    Optimizer o = optimizer.apply(model);
    for (int i = 0; i < SAVES; i++) {
      int value = 2 * i + writer;
      model.parameters().values().assign(value);
      Checkpoint.save(file, model, o, new TrainingState(value, 0, 0));
    }
    return null;
  }

  /** 16,513 parameters: a 16x16 input, 64 hidden units, one output. */
  static Model network(long seed) {
    return new DenseParameters(seed, new int[] {1, 16, 16}, 256, 64, 1);
  }
}
