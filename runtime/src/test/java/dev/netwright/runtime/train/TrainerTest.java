package dev.netwright.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
  private static final Dataset TRAIN = ToyData.blobs(600, 1);
  private static final Dataset TEST = ToyData.blobs(300, 2);

  @Test
  void learnsSeparableDataAndReportsEveryEpoch() {
    SoftmaxRegression model = ToyData.model();
    List<EpochResult> seen = new ArrayList<>();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<EpochResult> results;
    try (BatchLoader train = ToyData.loader(TRAIN, 32, true);
        BatchLoader test = ToyData.loader(TEST, 100, false)) {
      results =
          Trainer.builder()
              .epochs(3)
              .out(new PrintStream(log, true, StandardCharsets.UTF_8))
              .listener(seen::add)
              .build()
              .fit(model, new Sgd(model.parameters(), 0.1, 0.9), train, test);
    }
    assertEquals(results, seen, "the listener sees each epoch's result once, in order");
    assertEquals(3, results.size());
    for (int i = 0; i < 3; i++) {
      EpochResult r = results.get(i);
      assertEquals(i + 1, r.epoch());
      assertEquals(3, r.epochs());
      assertTrue(r.loss() > 0 && Double.isFinite(r.loss()), r.toString());
      assertTrue(r.trainAccuracy() >= 0 && r.trainAccuracy() <= 1, r.toString());
      assertTrue(r.testAccuracy().isPresent(), r.toString());
      assertTrue(r.imagesPerSecond() > 0 && Double.isFinite(r.imagesPerSecond()), r.toString());
      // Training time (600 images at imagesPerSecond) is part of the epoch's wall time.
      assertTrue(600 / r.imagesPerSecond() <= r.seconds() + 1e-9, r.toString());
      assertTrue(r.seconds() < 30, r.toString());
    }
    EpochResult lastEpoch = results.get(2);
    assertTrue(lastEpoch.loss() < results.get(0).loss(), results.toString());
    assertTrue(lastEpoch.trainAccuracy() > 0.95, lastEpoch.toString());
    assertTrue(lastEpoch.testAccuracy().getAsDouble() > 0.95, lastEpoch.toString());
    assertFalse(model.training, "fit leaves the model in inference mode");

    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains("training SoftmaxRegression: 3 epochs of 19 steps, 51 parameters, "), text);
    assertTrue(text.contains("19/19"), "the progress bar's last state: " + text);
    for (EpochResult r : results) {
      assertTrue(text.contains(r.format() + System.lineSeparator()), text);
    }
  }

  @Test
  void quietModePrintsNothingAndStillCallsTheListener() {
    SoftmaxRegression model = ToyData.model();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<EpochResult> seen = new ArrayList<>();
    try (BatchLoader train = ToyData.loader(TRAIN, 64, true)) {
      List<EpochResult> results =
          Trainer.builder()
              .epochs(2)
              .quiet(true)
              .listener(seen::add)
              .out(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build()
              .fit(model, new Sgd(model.parameters(), 0.1, 0), train);
      assertEquals(2, seen.size());
      assertTrue(results.get(1).testAccuracy().isEmpty());
    }
    assertEquals(0, log.size(), log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLearningRateThatBlowsUpTheLossStopsTrainingBeforeTheBadUpdate() {
    SoftmaxRegression model = ToyData.model();
    StepCounter optimizer = new StepCounter(new Sgd(model.parameters(), 3e38, 0), model);
    TrainingDivergedException e;
    try (BatchLoader train = ToyData.loader(TRAIN, 32, true)) {
      e =
          assertThrows(
              TrainingDivergedException.class,
              () -> Trainer.builder().epochs(2).quiet(true).build().fit(model, optimizer, train));
    }
    assertFalse(Double.isFinite(e.loss()), e.getMessage());
    assertEquals(1, e.epoch(), e.getMessage());
    assertTrue(e.step() >= 2, "the first step starts from finite weights: " + e.getMessage());
    String message = e.getMessage();
    assertTrue(message.contains("epoch 1 at step " + e.step() + " of 19"), message);
    assertTrue(message.contains("the loss is " + e.loss()), message);
    assertTrue(message.contains("Lower the learning rate (now 3.0E38), e.g. to 3.0E37"), message);
    // The diverging step ran neither backward nor the update: the values are those of the step
    // before.
    assertEquals(e.step() - 1, model.backwardCalls);
    assertEquals(e.step() - 1, optimizer.steps);
    assertArrayEquals(optimizer.afterLastStep, model.parameters().values().toFloatVector());
  }

  @Test
  void threadCountIsAppliedDuringTheRunAndRestoredAfter() {
    SoftmaxRegression model = ToyData.model();
    int before = Threads.current();
    List<Integer> during = new ArrayList<>();
    try (BatchLoader train = ToyData.loader(TRAIN, 64, false)) {
      Trainer.builder()
          .quiet(true)
          .threads(1)
          .listener(r -> during.add(Threads.current()))
          .build()
          .fit(model, new Sgd(model.parameters(), 0.1, 0), train);
    }
    assertEquals(List.of(1), during);
    assertEquals(before, Threads.current());
  }

  @Test
  void configurationMistakesAreExplained() {
    IllegalArgumentException epochs =
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(0));
    assertEquals("epochs must be at least 1, got 0", epochs.getMessage());
    IllegalArgumentException threads =
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().threads(0));
    assertTrue(
        threads.getMessage().startsWith("threads must be at least 1, got 0"), threads.getMessage());
  }

  /** Counts updates and remembers the parameter values after the last one. */
  private static final class StepCounter implements Optimizer {
    private final Optimizer inner;
    private final SoftmaxRegression model;
    int steps;
    float[] afterLastStep;

    StepCounter(Optimizer inner, SoftmaxRegression model) {
      this.inner = inner;
      this.model = model;
      this.afterLastStep = model.parameters().values().toFloatVector();
    }

    @Override
    public void step() {
      inner.step();
      steps++;
      afterLastStep = model.parameters().values().toFloatVector();
    }

    @Override
    public double learningRate() {
      return inner.learningRate();
    }
  }
}
