package dev.netwright.spark;

import dev.netwright.runtime.Parameters;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD that, once per marker file, stops at a given step in the middle of an epoch: it writes its
 * process id to the marker and sleeps, so a test can kill that executor mid-epoch. Retries find
 * the marker and train straight through; otherwise it is plain SGD.
 */
final class PausingSgd implements Optimizer {
  private final Sgd sgd;
  private final String marker;
  private final long pauseAt;

  PausingSgd(Parameters parameters, double learningRate, double momentum, String marker, long pauseAt) {
    this.sgd = new Sgd(parameters, learningRate, momentum);
    this.marker = marker;
    this.pauseAt = pauseAt;
  }

  @Override
  public void step() {
    sgd.step();
    if (sgd.steps() == pauseAt) {
      try {
        Files.writeString(Files.createFile(Path.of(marker)),
            Long.toString(ManagementFactory.getRuntimeMXBean().getPid()));
        Thread.sleep(60_000); // until killed
      } catch (FileAlreadyExistsException e) {
        // another replica, or a retry: go on
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
