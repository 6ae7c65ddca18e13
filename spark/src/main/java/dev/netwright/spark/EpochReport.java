package dev.netwright.spark;

import dev.netwright.runtime.train.TrainingDivergedException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the replicas reported after one distributed epoch: loss and accuracy over all shares, bytes
 * each sent and time each spent in the allreduce, and which process each ran in.
 */
public final class EpochReport {
  private final int epoch;
  private final int attempt;
  private final List<EpochOutcome> outcomes;
  private final long nanos;
  private final int steps;

  EpochReport(int epoch, int attempt, List<EpochOutcome> outcomes, long nanos, int steps) {
    this.steps = steps;
    this.epoch = epoch;
    this.attempt = attempt;
    this.outcomes = List.copyOf(outcomes);
    this.nanos = nanos;
    if (outcomes.isEmpty() || outcomes.get(0).rank() != 0) {
      throw new IllegalStateException("epoch " + epoch + ": no report from replica 0");
    }
  }

  List<EpochOutcome> outcomes() {
    return outcomes;
  }

  /** The epoch, from 1. */
  public int epoch() {
    return epoch;
  }

  /** Which attempt succeeded, from 1 (more than 1 after a failed one was retried). */
  public int attempt() {
    return attempt;
  }

  /** Number of replicas. */
  public int replicas() {
    return outcomes.size();
  }

  /** Mean training loss over every example of the epoch. */
  public double loss() {
    return outcomes.stream().mapToDouble(EpochOutcome::lossSum).sum() / images();
  }

  /** Training accuracy over every example of the epoch. */
  public double accuracy() {
    return (double) outcomes.stream().mapToLong(EpochOutcome::correct).sum() / images();
  }

  /** Examples trained on. */
  public long images() {
    return outcomes.stream().mapToLong(EpochOutcome::images).sum();
  }

  /** Wall time of the epoch's job on the driver. */
  public long nanos() {
    return nanos;
  }

  /** Bytes sent by all replicas together over the epoch. */
  public long bytesSent() {
    return outcomes.stream().mapToLong(EpochOutcome::bytesSent).sum();
  }

  /** Steps (global batches) in the epoch. */
  public int steps() {
    return steps;
  }

  /** Mean over replicas of the time spent in the allreduce. */
  public long allreduceNanos() {
    return (long) outcomes.stream().mapToLong(EpochOutcome::allreduceNanos).average().orElse(0);
  }

  /** The slowest replica's time in its task, from joining the ring to its report. */
  public long replicaNanos() {
    return outcomes.stream().mapToLong(EpochOutcome::nanos).max().orElse(0);
  }

  /** Each replica's process, in rank order, e.g. "executor 1, pid 4242". */
  public List<String> workers() {
    return outcomes.stream().map(EpochOutcome::worker).collect(Collectors.toList());
  }

  void throwIfDiverged(double learningRate) {
    EpochOutcome.Divergence named = null;
    for (EpochOutcome o : outcomes) {
      EpochOutcome.Divergence d = o.divergence();
      if (d != null
          && (named == null || !Double.isFinite(d.loss()) && Double.isFinite(named.loss()))) {
        named = d;
      }
    }
    if (named != null) {
      throw new TrainingDivergedException(
          epoch, named.step(), steps, named.loss(), learningRate, named.node());
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "epoch %d (attempt %d): %d replicas on %s, %,d bytes sent, job %.2f s,"
            + " replicas %.2f s, allreduce %.2f s",
        epoch,
        attempt,
        replicas(),
        workers(),
        bytesSent(),
        nanos / 1e9,
        replicaNanos() / 1e9,
        allreduceNanos() / 1e9);
  }
}
