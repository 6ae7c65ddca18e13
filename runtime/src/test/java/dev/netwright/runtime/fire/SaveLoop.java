package dev.netwright.runtime.fire;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import java.nio.file.Path;

/**
 * The child process of {@link KillDuringSaveTest}: saves checkpoint after checkpoint of a
 * 3.1-million-parameter network with Adam (about 38 MB each) to {@code args[0]}, forever, until it
 * is killed. Checkpoint k holds the value k in every parameter and state element and epoch k, and
 * "saved k" is printed once its save has returned.
 */
public final class SaveLoop {
  private SaveLoop() {}

  /** {@code SaveLoop FILE FIRST}: saves checkpoints FIRST, FIRST + 1, ... to FILE. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int first = Integer.parseInt(args[1]);
    Model model = network(1);
    Optimizer adam = Adam.builder(model.parameters(), 1e-3).build();
    for (int k = first; ; k++) {
      fill(model, adam, k);
      Checkpoint.save(file, model, adam, new TrainingState(k, 0, 0));
      System.out.println("saved " + k);
      System.out.flush();
    }
  }

  /** 49,152 inputs (3x128x128), 64 hidden units, one output: 3,145,857 parameters. */
  static Model network(long seed) {
    return new DenseParameters(seed, new int[] {3, 128, 128}, 49152, 64, 1);
  }

  static void fill(Model model, Optimizer optimizer, int k) {
    model.parameters().values().assign(k);
    optimizer.state().values().forEach(a -> a.assign(k));
  }
}
