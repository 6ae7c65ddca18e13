package dev.netwright.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Medians over rounds, ratios that read "> 1 is Netwright better" whichever way the metric goes.
 */
class ReportTest {
  @Test
  void mediansRatiosAndGflops() {
    Report r = new Report(100, List.of(Framework.NETWRIGHT, Framework.DL4J));
    for (double v : new double[] {900, 1000, 5000}) {
      r.add(BenchNetwork.SIMPLE, Metric.TRAIN, Framework.NETWRIGHT, v);
    }
    r.add(BenchNetwork.SIMPLE, Metric.TRAIN, Framework.DL4J, 100);
    r.add(BenchNetwork.SIMPLE, Metric.LATENCY1, Framework.NETWRIGHT, 0.5);
    r.add(BenchNetwork.SIMPLE, Metric.LATENCY1, Framework.DL4J, 2.0);
    r.add(BenchNetwork.SIMPLE, Metric.HEAP, Framework.DL4J, Double.NaN); // unknown: ignored
    List<String> lines = r.lines(BenchNetwork.SIMPLE);
    assertEquals(
        "simple     train      netwright 1,000 img/s | dl4j 100 img/s (10.0x)", lines.get(0));
    assertEquals("simple     latency1   netwright 0.500 ms | dl4j 2.00 ms (4.00x)", lines.get(1));
    double gflops = 6.0 * BenchNetwork.SIMPLE.multiplyAdds * 1000 / 1e9;
    assertEquals(gflops, r.median(BenchNetwork.SIMPLE, Metric.GFLOPS, Framework.NETWRIGHT), 1e-9);
    assertTrue(lines.get(2).startsWith("simple     gflops     netwright "), lines.get(2));
    assertTrue(lines.get(2).endsWith("of peak (10.0x)"), lines.get(2));
    assertEquals(3, lines.size());
  }
}
