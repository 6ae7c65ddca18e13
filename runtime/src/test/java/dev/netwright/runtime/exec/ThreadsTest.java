package dev.netwright.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ThreadsTest {
  @Test
  void setChangesWhatNd4jReportsAndReturnsThePreviousCount() {
    int original = Threads.current();
    assertTrue(original >= 1);
    try {
      assertEquals(original, Threads.set(1));
      assertEquals(1, Threads.current());
      Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
      assertEquals("1", String.valueOf(info.get("omp.threads")));
      assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
      assertTrue(
          Threads.describe().startsWith("1 ND4J thread on " + Threads.cores() + " core"),
          Threads.describe());
      assertEquals(1, Threads.set(2));
      assertEquals(2, Threads.current());
    } finally {
      Threads.set(original);
    }
  }

  @Test
  void rejectsLessThanOneThread() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threads.set(0));
    assertTrue(
        e.getMessage().startsWith("the thread count must be at least 1, got 0"), e.getMessage());
  }
}
