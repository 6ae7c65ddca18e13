package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.data.IdxDirectory;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.ModelFileException;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * SimpleNet on 1,000 Fashion-MNIST images with the lecture's settings (batch 64, SGD lr 0.01,
 * momentum 0.5): three epochs straight, and one epoch, a checkpoint, new objects and two more, give
 * the same losses and the same weights bit for bit on one ND4J thread. Needs Debian's
 * dataset-fashion-mnist (CI installs it); fails without it.
 */
class CheckpointTest {
  private static final long SEED = 1;
  private static int previousThreads;
  private static Dataset train;

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() throws IOException {
    previousThreads = Threads.set(1); // reductions split over threads may add in another order
    train = IdxDirectory.train(IdxDirectory.DEBIAN_FASHION_MNIST, Normalization.MNIST).head(1000);
  }

  @AfterAll
  static void restoreThreads() {
    Threads.set(previousThreads);
  }

  @Test
  void oneEpochSaveLoadTwoMoreIsThreeEpochsBitForBit() throws IOException {
    SimpleNetModel straight = new SimpleNetModel(DataType.FLOAT, SEED);
    List<EpochResult> uninterrupted;
    try (BatchLoader batches = loader()) {
      uninterrupted = trainer(3).build().fit(straight, sgd(straight), batches);
    }

    SimpleNetModel first = new SimpleNetModel(DataType.FLOAT, SEED);
    List<EpochResult> results = new ArrayList<>();
    try (BatchLoader batches = loader()) {
      results.addAll(trainer(1).checkpoint(dir).build().fit(first, sgd(first), batches));
    }

    // A new process, in effect: nothing carries over but the file.
    SimpleNetModel resumed = new SimpleNetModel(DataType.FLOAT, 99);
    Sgd optimizer = sgd(resumed);
    TrainingState state = Checkpoint.load(dir.resolve(Trainer.LAST_CHECKPOINT), resumed, optimizer);
    assertEquals(new TrainingState(1, SEED, 1, 16, SEED), state);
    assertEquals(16, optimizer.steps(), "1,000 images in batches of 64: 16 steps an epoch");
    try (BatchLoader batches = loader()) {
      results.addAll(trainer(3).build().fit(resumed, optimizer, batches, null, state));
    }

    assertEquals(List.of(1, 2, 3), results.stream().map(EpochResult::epoch).toList());
    assertEquals(losses(uninterrupted), losses(results));
    assertArrayEquals(
        straight.parameters().values().toFloatVector(),
        resumed.parameters().values().toFloatVector());
    assertTrue(uninterrupted.get(2).loss() < uninterrupted.get(0).loss(), uninterrupted.toString());
  }

  /** Dropout masks come from the seed and the training-step count, which the checkpoint keeps. */
  @Test
  void resumeIsExactWithDropout() throws IOException {
    Model straight = new TinyClassics_DropoutNetModel(DataType.FLOAT, SEED);
    List<EpochResult> uninterrupted;
    try (BatchLoader batches = loader()) {
      uninterrupted = trainer(2).build().fit(straight, sgd(straight), batches);
    }
    Model first = new TinyClassics_DropoutNetModel(DataType.FLOAT, SEED);
    List<EpochResult> results = new ArrayList<>();
    try (BatchLoader batches = loader()) {
      results.addAll(trainer(1).checkpoint(dir).build().fit(first, sgd(first), batches));
    }
    Model resumed = new TinyClassics_DropoutNetModel(DataType.FLOAT, 7);
    try (BatchLoader batches = loader()) {
      results.addAll(
          trainer(2)
              .resumeFrom(dir.resolve(Trainer.LAST_CHECKPOINT))
              .build()
              .fit(resumed, sgd(resumed), batches));
    }
    assertEquals(16, resumed.trainingSteps() - 16, "the step count continues from the checkpoint");
    assertEquals(losses(uninterrupted), losses(results));
    assertArrayEquals(
        straight.parameters().values().toFloatVector(),
        resumed.parameters().values().toFloatVector());
  }

  @Test
  void aSimpleNetCheckpointDoesNotLoadIntoInceptionNet() throws IOException {
    SimpleNetModel simple = new SimpleNetModel(DataType.FLOAT, SEED);
    Path file = dir.resolve("simple.ckpt");
    Checkpoint.save(file, simple, sgd(simple), new TrainingState(0, SEED, 0));
    InceptionNetModel inception = new InceptionNetModel(DataType.FLOAT, SEED);
    Sgd optimizer = sgd(inception);
    float[] before = inception.parameters().values().toFloatVector();

    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Checkpoint.load(file, inception, optimizer));
    String m = e.getMessage();
    assertTrue(
        m.startsWith(
            file
                + ": is a checkpoint of network SimpleNet, not of InceptionNet: 30 of their"
                + " parameters and buffers differ:\n"),
        m);
    assertTrue(
        m.contains(
            "\n  missing from the checkpoint: incep1.branch1x1.weight [16, 10, 1, 1] (parameter)\n"),
        m);
    assertTrue(
        m.contains("\n  missing from the checkpoint: incep2.branch_pool.bias [24] (parameter)\n"),
        m);
    assertTrue(
        m.contains(
            "\n  shape differs: conv2.weight is [20, 10, 5, 5] in the checkpoint, [20, 88, 5, 5] in the"
                + " model\n"),
        m);
    assertTrue(
        m.contains(
            "\n  shape differs: fc.weight is [10, 320] in the checkpoint, [10, 1408] in the model\n"),
        m);
    assertTrue(
        m.endsWith(
            "\nLoad it into the SimpleNet it was saved from, or train this InceptionNet from its own"
                + " initial weights."),
        m);
    assertEquals(
        28, m.lines().filter(l -> l.startsWith("  missing from the checkpoint: incep")).count(), m);
    assertArrayEquals(before, inception.parameters().values().toFloatVector());
    assertEquals(0, optimizer.steps());
  }

  private static List<Double> losses(List<EpochResult> results) {
    return results.stream().map(EpochResult::loss).toList();
  }

  private static Trainer.Builder trainer(int epochs) {
    return Trainer.builder().epochs(epochs).quiet(true);
  }

  private static Sgd sgd(Model model) {
    return new Sgd(model.parameters(), 0.01, 0.5);
  }

  private static BatchLoader loader() {
    return new BatchLoader(train, 64, true, SEED, DataType.FLOAT);
  }
}
