package dev.netwright.benchmark;

import dev.netwright.samples.Classics_ResNet50Model;
import dev.netwright.samples.ResNetModel;
import dev.netwright.samples.SimpleNetModel;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step time of synchronous data-parallel training on P workers: t(P) = C / P + 2(P − 1)·α + 2(P −
 * 1)/P · S / β, the compute of one global batch shared by P workers plus a ring allreduce of S
 * gradient bytes (2(P − 1) messages of latency α; each worker sends and receives 2(P − 1)/P of S at
 * bandwidth β). α and β are fitted to the loopback ring measurements, C to the one-task runs; the
 * two-task runs check the fit.
 */
final class ScalingModel {
  private final Map<String, Double> alone = new LinkedHashMap<>();
  private final Map<String, double[]> measured = new LinkedHashMap<>();
  private List<RingBench.Point> ring;
  private double alpha;
  private double beta;

  void compute(String net, double secondsPerBatch) {
    alone.put(net, secondsPerBatch);
  }

  void measured(String net, int replicas, double secondsPerStep) {
    measured.computeIfAbsent(net, k -> new double[3])[replicas] = secondsPerStep;
  }

  void allreduce(List<RingBench.Point> points) {
    this.ring = points;
    // Least squares of t = a + b·bytes relative to t (weights 1/t²), so the small sizes, which
    // show the latency, count as much as the large ones; with P = 2, a = 2α and b = 1/β.
    double sw = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (RingBench.Point p : points) {
      double w = 1 / (p.seconds() * p.seconds());
      double x = p.floats() * 4.0;
      sw += w;
      sx += w * x;
      sy += w * p.seconds();
      sxx += w * x * x;
      sxy += w * x * p.seconds();
    }
    double b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    double a = (sy - b * sx) / sw;
    this.alpha = Math.max(a / 2, 1e-6);
    this.beta = 1 / b;
  }

  private double allreduce(int workers, double bytes, double bandwidth) {
    return workers == 1
        ? 0
        : 2.0 * (workers - 1) * alpha + 2.0 * (workers - 1) / workers * bytes / bandwidth;
  }

  private static long parameters(String net) {
    return net.equals("ResNet") ? ResNetModel.PARAMETER_COUNT : SimpleNetModel.PARAMETER_COUNT;
  }

  void print(PrintStream out) {
    out.println("Ring allreduce, 2 ranks on loopback (median per call):");
    for (RingBench.Point p : ring) {
      out.printf(
          Locale.ROOT,
          "  %,11d floats (%,.1f MB): %.3f ms%n",
          p.floats(),
          p.floats() * 4 / 1e6,
          p.seconds() * 1e3);
    }
    out.printf(
        Locale.ROOT,
        "fitted: latency alpha = %.1f us per message, bandwidth beta = %.2f GB/s%n",
        alpha * 1e6,
        beta / 1e9);
    out.println("Fit check, seconds per step of 64 (C = one task's measured step):");
    for (Map.Entry<String, double[]> e : measured.entrySet()) {
      double c = e.getValue()[1];
      double bytes = parameters(e.getKey()) * 4.0;
      double predicted = c / 2 + allreduce(2, bytes, beta);
      out.printf(
          Locale.ROOT,
          "  %s: C = %.2f ms; 2 tasks predicted %.2f ms, measured %.2f ms%n",
          e.getKey(),
          c * 1e3,
          predicted * 1e3,
          e.getValue()[2] * 1e3);
    }
    // ResNet-50: per-worker batch 32 of 224x224 images (weak scaling); compute at the FLOP rate one
    // task reached on the lecture ResNet here (6 FLOPs per multiply-add: forward, two backward).
    double[] resnet = measured.get("ResNet");
    double flops = 6.0 * ResNetModel.MULTIPLY_ADDS * 64 / resnet[1];
    double compute = 6.0 * Classics_ResNet50Model.MULTIPLY_ADDS * 32 / flops;
    double bytes = Classics_ResNet50Model.PARAMETER_COUNT * 4.0;
    out.printf(
        Locale.ROOT,
        "ResNet-50 (%,d parameters, %.1f MB of float32 gradients), 32 images per worker per"
            + " step; compute %.2f s per step at the %.1f GFLOP/s one task reached here; alpha as fitted:%n",
        Classics_ResNet50Model.PARAMETER_COUNT,
        bytes / 1e6,
        compute,
        flops / 1e9);
    out.println(
        "| worker | workers | link | allreduce s/step | step s | images/s | scaling efficiency |");
    out.println("|---|---:|---|---:|---:|---:|---:|");
    // A worker as fast as a GPU-class accelerator (0.1 s for 32 images; assumed, not measured
    // here).
    for (double seconds : new double[] {compute, 0.1}) {
      String worker = seconds == compute ? "one core as here" : "0.1 s per 32 images";
      for (double gbit : new double[] {10, 100}) {
        for (int p : new int[] {8, 64, 512}) {
          double comm = allreduce(p, bytes, gbit * 1e9 / 8);
          double step = seconds + comm;
          out.printf(
              Locale.ROOT,
              "| %s | %d | %.0f Gbit/s | %.3f | %.3f | %,.0f | %.0f%% |%n",
              worker,
              p,
              gbit,
              comm,
              step,
              32.0 * p / step,
              100 * seconds / step);
        }
      }
    }
  }
}
