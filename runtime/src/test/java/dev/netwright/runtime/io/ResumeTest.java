package dev.netwright.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.Batch;
import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.StepDecay;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Training resumed from a checkpoint continues as if it had not stopped. */
class ResumeTest {
  private static final Dataset DATA = CheckpointTest.blobs(100, 5);

  @TempDir Path dir;

  @Test
  void seekGivesTheOrderOfALoaderResetThatManyTimes() {
    try (BatchLoader walked = new BatchLoader(DATA, 16, true, 3, DataType.FLOAT);
        BatchLoader sought = new BatchLoader(DATA, 16, true, 3, DataType.FLOAT)) {
      for (int epoch = 0; epoch < 5; epoch++) {
        sought.seek(epoch);
        assertEquals(epoch, sought.epoch());
        assertEquals(epoch, walked.epoch());
        assertEquals(order(walked), order(sought), "epoch " + epoch);
        walked.reset();
      }
      sought.seek(1); // backwards too, and mid-epoch
      sought.next();
      sought.seek(1);
      try (BatchLoader fresh = new BatchLoader(DATA, 16, true, 3, DataType.FLOAT)) {
        fresh.reset();
        assertEquals(order(fresh), order(sought));
      }
      assertEquals(3, sought.seed());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> sought.seek(-1));
      assertEquals("seek(-1): epochs count from 0", e.getMessage());
    }
  }

  private static List<Integer> order(BatchLoader loader) {
    List<Integer> out = new ArrayList<>();
    while (loader.hasNext()) {
      Batch b = loader.next();
      for (int i = 0; i < b.size(); i++) {
        out.add(b.indices()[i]);
      }
    }
    return out;
  }

  @Test
  void resumedTrainingMatchesAnUninterruptedRunBitForBit() throws Exception {
    int previous = Threads.set(1);
    try {
      // Straight: 4 epochs, with a schedule so the restored rate is overwritten as it should be.
      TinyNet straight = new TinyNet(1);
      List<EpochResult> all;
      try (BatchLoader train = loader()) {
        all = trainer(4).build().fit(straight, optimizer(straight), train);
      }

      // Interrupted after 2 epochs; new model, optimizer and loader objects carry on.
      Path checkpoints = dir.resolve("run");
      TinyNet first = new TinyNet(1);
      List<EpochResult> head;
      try (BatchLoader train = loader()) {
        head = trainer(2).checkpoint(checkpoints).build().fit(first, optimizer(first), train);
      }
      assertEquals(List.of(Trainer.LAST_CHECKPOINT), names(checkpoints));
      TinyNet second = new TinyNet(99);
      List<EpochResult> tail;
      try (BatchLoader train = loader()) {
        tail =
            trainer(4)
                .resumeFrom(checkpoints.resolve(Trainer.LAST_CHECKPOINT))
                .checkpoint(checkpoints)
                .build()
                .fit(second, optimizer(second), train);
      }
      assertEquals(List.of(1, 2), head.stream().map(EpochResult::epoch).toList());
      assertEquals(List.of(3, 4), tail.stream().map(EpochResult::epoch).toList());
      List<Double> resumed = new ArrayList<>();
      head.forEach(r -> resumed.add(r.loss()));
      tail.forEach(r -> resumed.add(r.loss()));
      assertEquals(all.stream().map(EpochResult::loss).toList(), resumed);
      assertEquals(
          all.stream().map(EpochResult::trainAccuracy).toList(),
          List.of(
              head.get(0).trainAccuracy(),
              head.get(1).trainAccuracy(),
              tail.get(0).trainAccuracy(),
              tail.get(1).trainAccuracy()));
      assertEquals(CheckpointTest.snapshot(straight, null), CheckpointTest.snapshot(second, null));
      assertArrayEquals(
          straight.parameters().values().toFloatVector(),
          second.parameters().values().toFloatVector());

      // The checkpoint after epoch 4 says so.
      TinyNet probe = new TinyNet(5);
      TrainingState state =
          Checkpoint.load(checkpoints.resolve(Trainer.LAST_CHECKPOINT), probe, null);
      assertEquals(new TrainingState(4, 21, 4), state);
    } finally {
      Threads.set(previous);
    }
  }

  @Test
  void aLoaderWithAnotherSeedIsRefused() throws Exception {
    Path file = dir.resolve("x.ckpt");
    TinyNet model = new TinyNet(1);
    Optimizer adam = optimizer(model);
    Checkpoint.save(file, model, adam, new TrainingState(1, 21, 1));
    try (BatchLoader other = new BatchLoader(DATA, 16, true, 22, DataType.FLOAT)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> trainer(3).resumeFrom(file).build().fit(model, adam, other));
      assertEquals(
          "the run being resumed shuffled with seed 21, but this training loader's seed is 22: create the"
              + " loader with seed 21 to continue the same run",
          e.getMessage());
    }
    Files.writeString(file, "not a checkpoint");
    try (BatchLoader train = loader()) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> trainer(3).resumeFrom(file).build().fit(model, adam, train));
      assertTrue(
          e.getMessage().startsWith("cannot resume: " + file + ": is not a Netwright checkpoint"),
          e.getMessage());
      assertTrue(e.getCause() instanceof ModelFileException);
    }
  }

  @Test
  void aFinishedRunTrainsNoMore() throws Exception {
    Path file = dir.resolve("done.ckpt");
    TinyNet model = new TinyNet(1);
    Optimizer adam = optimizer(model);
    Checkpoint.save(file, model, adam, new TrainingState(3, 21, 3));
    try (BatchLoader train = loader()) {
      assertEquals(
          List.of(), trainer(3).build().fit(model, adam, train, null, new TrainingState(3, 21, 3)));
    }
  }

  private static Trainer.Builder trainer(int epochs) {
    return Trainer.builder().epochs(epochs).quiet(true).schedule(new StepDecay(0.01, 1, 0.5));
  }

  private static Optimizer optimizer(TinyNet model) {
    return Adam.builder(model.parameters(), 0.01).weightDecay(0.01, ".bias").build();
  }

  private static BatchLoader loader() {
    return new BatchLoader(DATA, 16, true, 21, DataType.FLOAT);
  }

  private static List<String> names(Path directory) {
    try (var s = Files.list(directory)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
