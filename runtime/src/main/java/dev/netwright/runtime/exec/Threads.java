package dev.netwright.runtime.exec;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How many threads ND4J's native ops use. ND4J starts with OpenMP's default, one thread per core;
 * on a busy machine fewer threads are often much faster (SimpleNet training at batch 64 on two
 * cores, one kept busy by another process: about 2,000 images/s with two threads, 11,600 with one;
 * on a quiet machine one thread was about 30% slower).
 *
 * <p>The count is OpenMP's, which belongs to the calling Java thread: set it on the thread that
 * trains. In ND4J 1.0.0-M2.1 {@code Nd4j.getEnvironment().setMaxThreads(n)} changes nothing and
 * {@code setMaxMasterThreads(n)} alone leaves oneDNN's convolutions and the BLAS at full width;
 * only OpenMP's own setting (what {@code OMP_NUM_THREADS} sets at start-up) governs them.
 */
public final class Threads {
  private Threads() {}

  /**
   * The number of threads native ops started from the calling thread may use (OMP_NUM_THREADS or
   * the cores, until {@link #set}). A network that splits its batches into that many parts runs
   * each part, and the calling thread's own ops, with one thread meanwhile (see {@code Lanes}).
   */
  public static int current() {
    Nd4j.getEnvironment(); // loads the backend, which applies OMP_NUM_THREADS, before we ask
    return Lanes.requested();
  }

  /** The number of processors the JVM may use. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Sets the number of threads native ops started from the calling thread use, and ND4J's own
   * thread limit to match; returns the previous count.
   */
  public static int set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "the thread count must be at least 1, got "
              + threads
              + "; this machine has "
              + cores()
              + " cores");
    }
    int previous = current();
    Lanes.request(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    return previous;
  }

  /** For logs, e.g. {@code 2 ND4J threads on 2 cores (OMP_NUM_THREADS unset)}. */
  public static String describe() {
    int n = current();
    String env = System.getenv("OMP_NUM_THREADS");
    return String.format(
        Locale.ROOT,
        "%d ND4J thread%s on %d core%s (OMP_NUM_THREADS %s)",
        n,
        n == 1 ? "" : "s",
        cores(),
        cores() == 1 ? "" : "s",
        env == null ? "unset" : "= " + env);
  }
}
