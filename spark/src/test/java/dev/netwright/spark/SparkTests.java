package dev.netwright.spark;

import dev.netwright.runtime.data.Dataset;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/** The tests' shared local[2] session (on 127.0.0.1, no UI) and their synthetic data. */
final class SparkTests {
  private SparkTests() {}

  private static SparkSession session;

  /** One session for every test class of the run (it lives as long as the test JVM). */
  static synchronized SparkSession spark() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("netwright-tests")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              // More barrier tasks than slots: fail at once instead of retrying 40 times 15 s
              // apart.
              .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "1")
              .getOrCreate();
    }
    return session;
  }

  /**
   * {@code n} 1×8×8 images of 4 learnable classes: class c lights row 2c (plus noise), so a small
   * network learns them within an epoch or two.
   */
  static Dataset bars(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[n * 64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(4);
      labels[i] = c;
      for (int j = 0; j < 64; j++) {
        float noise = (float) (random.nextDouble() * 0.4 - 0.2);
        pixels[i * 64 + j] = (j / 8 == 2 * c ? 1f : 0f) + noise;
      }
    }
    return Dataset.of(1, 8, 8, 4, pixels, labels);
  }
}
