package dev.netwright.benchmark;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every round's numbers, reported as medians over rounds: one line per network and metric, with
 * Netwright's advantage over each other framework, and a Markdown table of everything.
 */
final class Report {
  private final double peakGflops;
  private final List<Framework> frameworks;
  private final Map<BenchNetwork, Map<Metric, Map<Framework, List<Double>>>> values =
      new EnumMap<>(BenchNetwork.class);

  Report(double peakGflops, List<Framework> frameworks) {
    this.peakGflops = peakGflops;
    this.frameworks = List.copyOf(frameworks);
  }

  /** Records one round's value; NaN values (unknown) are ignored. */
  void add(BenchNetwork network, Metric metric, Framework framework, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    values
        .computeIfAbsent(network, n -> new EnumMap<>(Metric.class))
        .computeIfAbsent(metric, m -> new EnumMap<>(Framework.class))
        .computeIfAbsent(framework, f -> new ArrayList<>())
        .add(value);
    if (metric == Metric.TRAIN) {
      add(network, Metric.GFLOPS, framework, network.trainingFlopsPerExample() * value / 1e9);
    }
  }

  /** The median over rounds, NaN when nothing was recorded. */
  double median(BenchNetwork network, Metric metric, Framework framework) {
    List<Double> list =
        values
            .getOrDefault(network, Map.of())
            .getOrDefault(metric, Map.of())
            .getOrDefault(framework, List.of());
    return Stats.median(list.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** One line per metric measured for {@code network}. */
  List<String> lines(BenchNetwork network) {
    List<String> lines = new ArrayList<>();
    for (Metric m : Metric.values()) {
      List<String> cells = new ArrayList<>();
      for (Framework f : frameworks) {
        double v = median(network, m, f);
        if (!Double.isNaN(v)) {
          cells.add(label(m, f) + " " + value(m, v) + ratio(network, m, f, v, " (", ")"));
        }
      }
      if (!cells.isEmpty()) {
        lines.add(
            String.format(
                Locale.ROOT, "%-10s %-10s %s", network.key, m.key, String.join(" | ", cells)));
      }
    }
    return lines;
  }

  /** Everything as one Markdown table, for the README. */
  String markdown() {
    StringBuilder head = new StringBuilder("| network | metric |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (Framework f : frameworks) {
      head.append(' ').append(f.title).append(" |");
      rule.append("---:|");
      if (f != Framework.NETWRIGHT && frameworks.contains(Framework.NETWRIGHT)) {
        head.append(" Netwright vs ").append(f.title).append(" |");
        rule.append("---:|");
      }
    }
    StringBuilder out = new StringBuilder(head).append('\n').append(rule).append('\n');
    for (BenchNetwork n : values.keySet()) {
      for (Metric m : Metric.values()) {
        if (!values.get(n).containsKey(m)) {
          continue;
        }
        out.append("| ").append(n.key).append(" | ").append(m.key).append(" |");
        for (Framework f : frameworks) {
          double v = median(n, m, f);
          out.append(' ').append(Double.isNaN(v) ? "–" : value(m, v)).append(" |");
          if (f != Framework.NETWRIGHT && frameworks.contains(Framework.NETWRIGHT)) {
            String r = ratio(n, m, f, v, "", "");
            out.append(' ').append(r.isEmpty() ? "–" : r).append(" |");
          }
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String label(Metric m, Framework f) {
    return m == Metric.RSS && f == Framework.NETWRIGHT
        ? "jvm"
        : f.key; // Netwright's and DL4J's process
  }

  private String value(Metric m, double v) {
    if (m == Metric.GFLOPS && peakGflops > 0) {
      return m.format(v) + String.format(Locale.ROOT, " = %.1f%% of peak", 100 * v / peakGflops);
    }
    return m.format(v);
  }

  private String ratio(BenchNetwork n, Metric m, Framework f, double v, String open, String close) {
    double netwright = median(n, m, Framework.NETWRIGHT);
    if (f == Framework.NETWRIGHT
        || Double.isNaN(v)
        || Double.isNaN(netwright)
        || m.better == Metric.Better.NEITHER) {
      return "";
    }
    return open + Metric.ratio(m.advantage(netwright, v)) + close;
  }
}
