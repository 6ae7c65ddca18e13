package dev.netwright.samples.fire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.EpochResult;
import dev.netwright.runtime.train.Trainer;
import dev.netwright.runtime.train.TrainingDivergedException;
import dev.netwright.samples.SimpleNetModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run that diverges in epoch 2 stops there, names where, and leaves {@code last.ckpt} exactly as
 * epoch 1 saved it: loadable, and a run resumed from it at a sane rate trains on.
 */
class DivergenceCheckpointTest {
  private static final int EXAMPLES = 256;
  private static final int BATCH = 32;
  private static final int STEPS = EXAMPLES / BATCH;

  private static int previousThreads;

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    previousThreads = Threads.set(1); // faster on a busy machine, and the same on any
  }

  @AfterAll
  static void restoreThreads() {
    Threads.set(previousThreads);
  }

  /** Epoch 1 at 0.01, then 1e9: the loss goes non-finite in epoch 2. */
  @Test
  void aLossThatGoesNonFiniteInEpochTwoKeepsEpochOnesCheckpoint() throws IOException {
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 1);
    Map<Integer, float[]> weights = new HashMap<>();
    Map<Integer, byte[]> files = new HashMap<>();
    TrainingDivergedException e;
    try (BatchLoader batches = new BatchLoader(data(), BATCH, true, 5, DataType.FLOAT)) {
      Trainer trainer =
          Trainer.builder()
              .epochs(3)
              .quiet(true)
              .checkpoint(dir)
              .schedule(epoch -> epoch == 0 ? 0.01 : 1e9)
              .listener(snapshots(net, weights, files))
              .build();
      e =
          assertThrows(
              TrainingDivergedException.class,
              () -> trainer.fit(net, new Sgd(net.parameters(), 0.01, 0.9), batches));
    }
    assertEquals(2, e.epoch(), e.getMessage());
    assertTrue(Double.isNaN(e.loss()) || Double.isInfinite(e.loss()), e.getMessage());
    assertTrue(e.node() != null && !e.node().equals("input"), e.getMessage());
    assertTrue(
        e.getMessage()
            .startsWith(
                "training diverged in epoch 2 at step "
                    + e.step()
                    + " of "
                    + STEPS
                    + ": the loss is "
                    + e.loss()
                    + " and the first node whose output is not finite is '"
                    + e.node()
                    + "', so"
                    + " that step updated no parameter. Lower the learning rate (now 1.0E9), e.g. to 1.0E8"),
        e.getMessage());

    assertKeptEpochOne(weights.get(1), files.get(1), m -> new Sgd(m.parameters(), 0.01, 0.9));
    assertEquals(1, weights.size(), "no epoch after the first completed");
  }

  /**
   * A NaN that ReLU and max pooling hide: here an optimizer step that puts one into a conv1 filter
   * in the middle of epoch 2. Every loss stays finite, yet epoch 2 must not replace epoch 1's
   * checkpoint with NaN weights.
   */
  @Test
  void aNonFiniteWeightTheLossDoesNotShowIsCaughtBeforeTheCheckpoint() throws IOException {
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 1);
    Map<Integer, float[]> weights = new HashMap<>();
    Map<Integer, byte[]> files = new HashMap<>();
    Poisoning optimizer =
        new Poisoning(
            new Sgd(net.parameters(), 0.01, 0.9),
            () ->
                net.parameters()
                    .get("conv1.weight")
                    .value()
                    .putScalar(new long[] {3, 0, 1, 2}, Float.NaN),
            STEPS + 3);
    TrainingDivergedException e;
    try (BatchLoader batches = new BatchLoader(data(), BATCH, true, 5, DataType.FLOAT)) {
      Trainer trainer =
          Trainer.builder()
              .epochs(3)
              .quiet(true)
              .checkpoint(dir)
              .listener(snapshots(net, weights, files))
              .build();
      e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(net, optimizer, batches));
    }
    assertEquals(STEPS * 2, optimizer.steps(), "epoch 2 ran to its end on finite losses");
    assertEquals(2, e.epoch());
    assertEquals(STEPS, e.step());
    assertTrue(Double.isFinite(e.loss()), e.getMessage());
    assertNull(e.node());
    Path file = dir.resolve(Trainer.LAST_CHECKPOINT);
    assertEquals(
        "training diverged in epoch 2: after its last step (8 of 8) parameter 'conv1.weight' holds NaN"
            + " at [3, 0, 1, 2], though every loss was finite (ReLU and max pooling can hide such values from the"
            + " loss); epoch 2 was not saved, so "
            + file
            + " is as it was before this epoch. Lower the learning rate"
            + " (now 0.01), e.g. to 0.001.",
        e.getMessage());
    assertKeptEpochOne(
        weights.get(1),
        files.get(1),
        m -> new Poisoning(new Sgd(m.parameters(), 0.01, 0.9), () -> {}, -1));
  }

  /** Without a checkpoint directory the run still stops, and says so. */
  @Test
  void withoutCheckpointsTheHiddenNaNStillStopsTheRun() {
    SimpleNetModel net = new SimpleNetModel(DataType.FLOAT, 1);
    Poisoning optimizer =
        new Poisoning(
            new Sgd(net.parameters(), 0.01, 0.9),
            () -> net.parameters().get("conv2.bias").value().putScalar(7, Float.NEGATIVE_INFINITY),
            2);
    try (BatchLoader batches = new BatchLoader(data(), BATCH, true, 5, DataType.FLOAT)) {
      TrainingDivergedException e =
          assertThrows(
              TrainingDivergedException.class,
              () -> Trainer.builder().epochs(2).quiet(true).build().fit(net, optimizer, batches));
      assertEquals(1, e.epoch());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "training diverged in epoch 1: after its last step (8 of 8) parameter"
                      + " 'conv2.bias' holds -Infinity at [7], though every loss was finite (ReLU and max pooling can hide such"
                      + " values from the loss); training stopped. Lower the learning rate"),
          e.getMessage());
    }
  }

  private void assertKeptEpochOne(
      float[] epochOneWeights, byte[] epochOneFile, Function<Model, Optimizer> optimizerFor)
      throws IOException {
    Path file = dir.resolve(Trainer.LAST_CHECKPOINT);
    assertArrayEquals(
        epochOneFile, Files.readAllBytes(file), "last.ckpt is byte for byte epoch 1's");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left beside it");
    }
    SimpleNetModel fresh = new SimpleNetModel(DataType.FLOAT, 99);
    Optimizer optimizer = optimizerFor.apply(fresh);
    TrainingState state = Checkpoint.load(file, fresh, optimizer);
    assertEquals(1, state.epoch());
    assertEquals(STEPS, optimizer.steps());
    assertArrayEquals(epochOneWeights, fresh.parameters().values().toFloatVector());

    // Resumed at the rate of epoch 1, the run trains on from the kept checkpoint.
    SimpleNetModel resumed = new SimpleNetModel(DataType.FLOAT, 98);
    try (BatchLoader batches = new BatchLoader(data(), BATCH, true, 5, DataType.FLOAT)) {
      List<EpochResult> results =
          Trainer.builder()
              .epochs(2)
              .quiet(true)
              .resumeFrom(file)
              .build()
              .fit(resumed, optimizerFor.apply(resumed), batches);
      assertEquals(2, results.get(0).epoch());
      assertTrue(Double.isFinite(results.get(0).loss()), results.toString());
    }
  }

  /** After every epoch: the weights, and the checkpoint file as it stands then. */
  private Consumer<EpochResult> snapshots(
      Model net, Map<Integer, float[]> weights, Map<Integer, byte[]> files) {
    return r -> {
      weights.put(r.epoch(), net.parameters().values().toFloatVector());
      try {
        files.put(r.epoch(), Files.readAllBytes(dir.resolve(Trainer.LAST_CHECKPOINT)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** 256 random 1x28x28 images in ten classes. */
  static Dataset data() {
    SplittableRandom r = new SplittableRandom(3);
    float[] pixels = new float[EXAMPLES * 784];
    int[] labels = new int[EXAMPLES];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextInt(10);
    }
    return Dataset.of(1, 28, 28, 10, pixels, labels);
  }

  /**
   * An SGD whose step number {@code at} ends by running {@code poison}: a stand-in for an overflow.
   */
  private static final class Poisoning implements Optimizer {
    private final Sgd sgd;
    private final Runnable poison;
    private final long at;

    Poisoning(Sgd sgd, Runnable poison, long at) {
      this.sgd = sgd;
      this.poison = poison;
      this.at = at;
    }

    @Override
    public void step() {
      sgd.step();
      if (sgd.steps() == at) {
        poison.run();
      }
    }

    @Override
    public double learningRate() {
      return sgd.learningRate();
    }

    @Override
    public void setLearningRate(double learningRate) {
      sgd.setLearningRate(learningRate);
    }

    @Override
    public Map<String, INDArray> state() {
      return sgd.state();
    }

    @Override
    public long steps() {
      return sgd.steps();
    }

    @Override
    public void restore(Map<String, INDArray> state, long steps) {
      sgd.restore(state, steps);
    }
  }
}
