package dev.netwright.benchmark;

import dev.netwright.runtime.exec.Threads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's performance benchmark: each network trained and run by Netwright, Deeplearning4j on
 * the same ND4J backend and (when Debian's python3-torch is there) PyTorch, interleaved round by
 * round, one line per measurement with medians over rounds, then a Markdown table.
 */
@Command(
    name = "netwright-benchmark",
    mixinStandardHelpOptions = true,
    version = "netwright-benchmark 0.1.0",
    sortOptions = false,
    description =
        "Measure training and inference speed, allocation and memory of Netwright's networks"
            + " against Deeplearning4j and PyTorch on the same networks.")
public final class Main implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Option(
      names = "--networks",
      split = ",",
      paramLabel = "NAME",
      description = "Networks, from simple,inception,resnet,vgg (default: all).")
  List<String> networks = List.of("simple", "inception", "resnet", "vgg");

  @Option(
      names = "--frameworks",
      split = ",",
      paramLabel = "NAME",
      description =
          "Frameworks, from netwright,dl4j,pytorch,onnxruntime (default: all; pytorch is skipped,"
              + " saying why, when /usr/bin/python3 cannot import torch; onnxruntime runs Netwright's exported"
              + " file and is measured for inference only).")
  List<String> frameworks = List.of("netwright", "dl4j", "pytorch", "onnxruntime");

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description =
          "Rounds per network; each round measures every framework in turn (default: 3, 1 with --quick).")
  Integer rounds;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "3",
      description = "Timed seconds of each training measurement (default: ${DEFAULT-VALUE}).")
  double trainSeconds;

  @Option(
      names = "--infer-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description =
          "Timed seconds of each inference and latency measurement (default: ${DEFAULT-VALUE}).")
  double inferSeconds;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      defaultValue = "1",
      description =
          "Warm-up seconds before each measurement, at least 3 calls (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "ND4J and PyTorch threads (default: the number of cores).")
  int threads;

  /** Best of this many GEMMs: 2048^2 takes about 0.1 s on two cores, so a few seconds in all. */
  private static final int GEMM_REPEATS = 20;

  @Option(
      names = "--quick",
      description = "Tiny durations, one round, a small GEMM: for tests, not for numbers.")
  boolean quick;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description =
          "Fashion-MNIST directory for the 1x28x28 networks; random images when it is missing"
              + " (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--python",
      paramLabel = "PATH",
      defaultValue = TorchServer.DEFAULT_PYTHON,
      description = "The Python with torch (default: ${DEFAULT-VALUE}).")
  String python;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the benchmark and exits with its status. */
  public static void main(String[] args) {
    System.setProperty("org.nd4j.log.initialization", "false");
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the benchmark with the given streams; returns the exit status. */
  static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Main(out, err));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine
              .getErr()
              .println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    List<BenchNetwork> nets = networks.stream().map(BenchNetwork::of).distinct().toList();
    List<Framework> wanted = frameworks.stream().map(Framework::of).distinct().sorted().toList();
    Budget budget =
        quick ? Budget.quick() : Budget.standard(trainSeconds, inferSeconds, warmupSeconds);
    int roundCount = rounds != null ? rounds : quick ? 1 : 3;
    if (roundCount < 1 || threads < 0) {
      throw new IllegalArgumentException(
          "--rounds must be at least 1 and --threads at least 1 (or left out)");
    }
    int threadCount = threads > 0 ? threads : Threads.cores();
    int previousThreads = Threads.set(threadCount); // on this thread, which measures everything
    long started = System.nanoTime();
    TorchServer torch = null;
    try {
      Batches fashion =
          nets.stream().anyMatch(BenchNetwork::fashionMnistShaped)
              ? Batches.fashionMnist(data)
              : null;
      List<Framework> measured = new ArrayList<>(wanted);
      // Before the Python side starts: its start-up (importing torch) would share the cores.
      int gemmSize = quick ? 512 : 2048;
      double peak = Machine.gemmPeakGflops(gemmSize, GEMM_REPEATS);
      String torchNote = "not requested";
      if (wanted.contains(Framework.PYTORCH)) {
        String reason = TorchServer.unavailableReason(python);
        if (reason != null) {
          measured.remove(Framework.PYTORCH);
          torchNote = "skipped: " + reason;
        } else {
          torch = TorchServer.start(python, threadCount, fashion == null ? null : data);
          torchNote = torch.torchVersion();
        }
      }
      printHeader(threadCount, torchNote, gemmSize, peak, fashion, roundCount, budget, measured);
      Report report = new Report(peak, measured);
      for (BenchNetwork net : nets) {
        Batches batches =
            net.fashionMnistShaped() && fashion != null
                ? fashion
                : Batches.random(net.channels, net.size, 42);
        List<Measured> contenders = contenders(net, batches, measured, torch, threadCount);
        for (int round = 1; round <= roundCount; round++) {
          for (Measured c : contenders) {
            err.printf(
                Locale.ROOT, "[%s round %d/%d] %s%n", net.key, round, roundCount, c.framework.key);
            measure(report, net, c, budget);
          }
        }
        report.add(net, Metric.RSS, Framework.NETWRIGHT, Machine.rssBytes());
        for (Measured c : contenders) {
          if (c.contender instanceof TorchContender t) {
            report.add(net, Metric.RSS, Framework.PYTORCH, t.rssBytes());
          }
        }
        contenders.forEach(c -> c.contender.close());
        report.lines(net).forEach(out::println);
        out.flush();
      }
      out.println();
      out.print(report.markdown());
      out.printf(Locale.ROOT, "%nbenchmark took %.0f s%n", (System.nanoTime() - started) / 1e9);
      return 0;
    } finally {
      if (torch != null) {
        torch.close();
      }
      Threads.set(previousThreads);
    }
  }

  /** A contender and its framework. */
  private record Measured(Framework framework, Contender contender) {}

  private static List<Measured> contenders(
      BenchNetwork net, Batches batches, List<Framework> measured, TorchServer torch, int threads) {
    NetwrightContender netwright = new NetwrightContender(net, batches.copy());
    long params = netwright.parameterCount();
    List<Measured> list = new ArrayList<>();
    for (Framework f : measured) {
      list.add(
          new Measured(
              f,
              switch (f) {
                case NETWRIGHT -> netwright;
                case DL4J -> new Dl4jContender(net, batches.copy(), params);
                case PYTORCH -> new TorchContender(torch, net, params);
                case ONNXRUNTIME -> new OrtContender(net, batches.copy(), threads);
              }));
    }
    return list;
  }

  private static void measure(Report report, BenchNetwork net, Measured m, Budget budget) {
    if (m.contender.trains()) {
      Contender.Training t = m.contender.train(budget);
      report.add(net, Metric.TRAIN, m.framework, t.imagesPerSecond());
      report.add(net, Metric.HEAP, m.framework, t.heapBytesPerStep());
      report.add(net, Metric.RSS_GROWTH, m.framework, t.rssGrowthBytes());
    }
    report.add(net, Metric.INFER64, m.framework, m.contender.inferImagesPerSecond(budget));
    report.add(net, Metric.LATENCY1, m.framework, m.contender.latencyMillis(budget));
  }

  /**
   * Whether DL4J's layers run on its oneDNN helpers; in 1.0.0-M2.1 they do not, and the header says
   * why.
   */
  private static String dl4jHelpers(List<Framework> measured) {
    if (!measured.contains(Framework.DL4J)) {
      return "";
    }
    long helpers = Dl4jNetworks.build(BenchNetwork.SIMPLE).helperLayers();
    return helpers > 0
        ? " (oneDNN layer helpers on " + helpers + " layers of simple)"
        : " (its oneDNN layer helpers are off: disabled by default, and when enabled with"
            + " -Dorg.eclipse.deeplearning4j.helpers.disable=false they look for org.nd4j.nativeblas.Nd4jCpu$Environment,"
            + " which nd4j-native 1.0.0-M2.1 moved to org.nd4j.linalg.cpu.nativecpu.bindings; so DL4J convolves with its"
            + " own im2col + gemm on the same ND4J build)";
  }

  private void printHeader(
      int threadCount,
      String torchNote,
      int gemmSize,
      double peak,
      Batches fashion,
      int roundCount,
      Budget b,
      List<Framework> measured) {
    out.printf(
        Locale.ROOT,
        "netwright-benchmark %s | %s | %d cores, %d threads | %s | ND4J %s %s | DL4J %s | torch %s"
            + " | ONNX Runtime %s%n",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
        Machine.cpuModel(),
        Threads.cores(),
        threadCount,
        Machine.jvm(),
        Versions.of("org.nd4j", "nd4j-api"),
        Machine.nd4jBackend(),
        Versions.of("org.deeplearning4j", "deeplearning4j-nn") + dl4jHelpers(measured),
        torchNote,
        measured.contains(Framework.ONNXRUNTIME)
            ? OrtContender.version()
                + " CPU, "
                + threadCount
                + " intra-op threads, all graph optimisations, on Netwright's exported file (inference only)"
            : "not requested");
    out.printf(
        Locale.ROOT,
        "gemm peak: sgemm %dx%d FLOAT %s GFLOP/s (best of %d, %d threads)%s%n",
        gemmSize,
        gemmSize,
        Metric.number(peak),
        GEMM_REPEATS,
        threadCount,
        quick ? " [--quick: small GEMM, numbers not meaningful]" : "");
    out.printf(
        Locale.ROOT,
        "data (every framework the same): %s for the 1x28x28 networks; random N(0, 1) images"
            + " for vgg (3x32x32)%n",
        fashion != null ? fashion.source : "random N(0, 1) images (no " + data + ")");
    out.printf(
        Locale.ROOT,
        "method: batch 64, SGD lr 0.01 momentum 0.5 (DL4J: Nesterovs(0.01, 0.5), it has no plain"
            + " momentum), softmax cross-entropy; %d round(s), each measuring %s in turn; medians over rounds;"
            + " warm-up >= %s s and 3 calls, then >= %s s (train) / %s s (infer, latency) timed%n",
        roundCount,
        measured.stream().map(f -> f.key).collect(Collectors.joining(", ")),
        b.warmupSeconds(),
        b.trainSeconds(),
        b.inferSeconds());
    out.println(
        "legend: train/infer64 img/s at batch 64; latency1 median ms per call at batch 1; heap/step bytes"
            + " allocated per training step by all JVM threads (ThreadMXBean; not known for PyTorch); rss VmRSS after"
            + " the network's runs (jvm: the process Netwright and DL4J share; pytorch: the Python process); rss-growth VmRSS change over the timed training;"
            + " gflops achieved training GFLOP/s = 6 x MULTIPLY_ADDS x img/s / 1e9 (2 FLOPs per multiply-add, x3 for"
            + " forward + backward), as % of the gemm peak; (Nx) = Netwright's advantage, > 1 means Netwright is"
            + " better (faster, or less); onnxruntime runs the ONNX file Netwright exports of the same network, for"
            + " inference only");
    out.flush();
  }
}
