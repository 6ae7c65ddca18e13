package dev.netwright.spark;

import dev.netwright.runtime.exec.Threads;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.train.Predictions;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * One replica's epoch: its shares of the global batches, in order, with the other replicas kept in
 * agreement through a {@link RingAllreduce}. Runs inside a Spark task but knows nothing of Spark
 * beyond the (position, example) pairs it is handed.
 */
final class Replica {
  private final EpochJob job;
  private final int rank;
  private final Model model;
  private final Optimizer optimizer;
  private final int imageSize;
  private final int classes;
  // Input and one-hot label arrays per share size, made on first use (sizes differ by one at most,
  // plus the last batch's).
  private final Staged[] staged;

  /** Arrays for one share size, with direct views to fill them without copies, and the classes. */
  private record Staged(
      INDArray features,
      INDArray labels,
      FloatBuffer f32,
      DoubleBuffer f64,
      FloatBuffer l32,
      DoubleBuffer l64,
      int[] classes) {}

  Replica(EpochJob job, int rank) {
    this.job = job;
    this.rank = rank;
    // One task per core, one native thread per task: OpenMP's count is per calling thread.
    Threads.set(1);
    this.model = job.snapshot().newModel();
    this.optimizer = job.optimizer().create(model.parameters());
    job.snapshot().restore(model, optimizer);
    int[] shape = model.inputShape();
    this.imageSize = shape[0] * shape[1] * shape[2];
    this.classes = model.classes();
    this.staged = new Staged[job.plan().share(0, 0) + 1];
  }

  /** Trains the epoch; returns this replica's report, with the agreed weights on rank 0. */
  EpochOutcome train(
      Iterator<Tuple2<Long, Example>> examples,
      RingAllreduce ring,
      ProgressClient progress,
      BooleanSupplier cancelled,
      String worker)
      throws IOException {
    long start = System.nanoTime();
    EpochPlan plan = job.plan();
    int k = job.strategy().averagingPeriod();
    Parameters parameters = model.parameters();
    model.setTraining(true);
    double lossSum = 0;
    long correct = 0;
    long images = 0;
    int averagedAt = 0;
    EpochOutcome.Divergence local = null; // this replica's own non-finite loss
    EpochOutcome.Divergence stopped = null; // what every replica saw in the last message
    for (int step = 0; step < plan.steps(); step++) {
      if (cancelled.getAsBoolean()) {
        throw new IOException(
            "replica " + rank + ": task killed at step " + (step + 1) + " of " + plan.steps());
      }
      int n = plan.share(step, rank);
      parameters.zeroGradients();
      if (n > 0 && local == null) {
        Staged s = fill(examples, step, n);
        INDArray output = model.forward(s.features());
        double loss = model.loss(s.labels());
        if (Double.isFinite(loss)) {
          correct += Predictions.countCorrect(output, s.classes(), n);
          model.backward();
          lossSum += loss * n;
          images += n;
        } else {
          // Poison what is summed next, so every replica sees the divergence in the same message
          // and all stop together; this replica names the step, loss and node.
          local = new EpochOutcome.Divergence(step + 1, loss, model.firstNonFinite());
          parameters.gradients().assign(Double.NaN);
          if (k != 0) {
            parameters.values().assign(Double.NaN);
          }
        }
      } else if (n > 0) { // local SGD after this replica diverged: on to the next averaging
        skip(examples, n);
      }
      if (k == 0) { // the batch's mean gradient: each share's mean weighted by its size
        ring.sum(parameters.gradients(), (double) n / plan.batch(step));
        if (!ring.allFinite(parameters.gradients())) {
          stopped = local != null ? local : new EpochOutcome.Divergence(step + 1, Double.NaN, null);
          break; // nothing trains on a non-finite gradient
        }
        optimizer.step();
      } else {
        if (n > 0 && local == null) {
          optimizer.step();
        }
        if ((step + 1) % k == 0 || step + 1 == plan.steps()) {
          average(ring, plan, averagedAt, step + 1);
          averagedAt = step + 1;
          if (!ring.allFinite(parameters.values())) {
            stopped =
                local != null ? local : new EpochOutcome.Divergence(step + 1, Double.NaN, null);
            break;
          }
        }
      }
      progress.report(step + 1, lossSum, correct, images);
    }
    if (k == 0 && stopped == null && parameters.bufferCount() > 0) {
      // Batch-norm statistics: each replica's come from its shares; average them, weighted.
      ring.sum(parameters.buffers(), (double) images / plan.examples());
    }
    progress.finish(plan.steps(), lossSum, correct, images);
    if (stopped == null && examples.hasNext()) {
      throw new IllegalStateException(
          "replica " + rank + " received more examples than the plan deals it: " + plan);
    }
    ModelSnapshot agreed = rank == 0 ? ModelSnapshot.of(model, optimizer) : null;
    return new EpochOutcome(
        rank,
        lossSum,
        correct,
        images,
        ring.bytesSent(),
        ring.nanos(),
        System.nanoTime() - start,
        worker,
        agreed,
        stopped);
  }

  /**
   * Averages parameters, optimizer state and buffers over steps [from, to), weighted by examples
   * seen.
   */
  private void average(RingAllreduce ring, EpochPlan plan, int from, int to) throws IOException {
    double weight = (double) plan.shares(from, to, rank) / plan.batches(from, to);
    Parameters parameters = model.parameters();
    ring.sum(parameters.values(), weight);
    for (INDArray state : optimizer.state().values()) {
      ring.sum(state, weight);
    }
    if (parameters.bufferCount() > 0) {
      ring.sum(parameters.buffers(), weight);
    }
  }

  /** Reads the next {@code n} examples, which must be this replica's share of {@code step}. */
  private Staged fill(Iterator<Tuple2<Long, Example>> examples, int step, int n) {
    Staged s = staged(n);
    EpochPlan plan = job.plan();
    if (s.l32() != null) {
      for (int i = 0; i < n * classes; i++) {
        s.l32().put(i, 0f);
      }
    } else {
      for (int i = 0; i < n * classes; i++) {
        s.l64().put(i, 0d);
      }
    }
    for (int i = 0; i < n; i++) {
      if (!examples.hasNext()) {
        throw new IllegalStateException(
            "replica " + rank + " ran out of examples at step " + (step + 1) + ": " + plan);
      }
      Tuple2<Long, Example> next = examples.next();
      long position = next._1();
      if (position / plan.batchSize() != step || plan.replicaOf(position) != rank) {
        throw new IllegalStateException(
            "replica "
                + rank
                + " at step "
                + (step + 1)
                + " received the example at"
                + " position "
                + position
                + ", which belongs to replica "
                + plan.replicaOf(position)
                + " at step "
                + (position / plan.batchSize() + 1));
      }
      float[] pixels = next._2().pixels();
      int label = next._2().label();
      s.classes()[i] = label;
      if (s.f32() != null) {
        s.f32().put(i * imageSize, pixels);
        s.l32().put(i * classes + label, 1f);
      } else {
        for (int j = 0; j < imageSize; j++) {
          s.f64().put(i * imageSize + j, pixels[j]);
        }
        s.l64().put(i * classes + label, 1d);
      }
    }
    return s;
  }

  private static void skip(Iterator<Tuple2<Long, Example>> examples, int n) {
    for (int i = 0; i < n && examples.hasNext(); i++) {
      examples.next();
    }
  }

  private Staged staged(int n) {
    if (staged[n] == null) {
      DataType t = model.dataType();
      int[] shape = model.inputShape();
      INDArray features = Nd4j.create(t, n, shape[0], shape[1], shape[2]);
      INDArray labels = Nd4j.create(t, n, classes);
      boolean single = t == DataType.FLOAT;
      staged[n] =
          new Staged(
              features,
              labels,
              single ? features.data().asNioFloat() : null,
              single ? null : features.data().asNioDouble(),
              single ? labels.data().asNioFloat() : null,
              single ? null : labels.data().asNioDouble(),
              new int[n]);
    }
    return staged[n];
  }
}
