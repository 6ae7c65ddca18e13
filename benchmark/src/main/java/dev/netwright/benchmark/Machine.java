package dev.netwright.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** What the header reports about the machine, and the two things measured on it directly. */
final class Machine {
  private Machine() {}

  /** The process's resident memory (VmRSS of /proc/self/status), in bytes; -1 off Linux. */
  static long rssBytes() {
    return procStatusKb(Path.of("/proc/self/status"), "VmRSS:") * 1024;
  }

  /** A /proc status field in kB, e.g. "VmRSS:", or -1 when the file or field is missing. */
  static long procStatusKb(Path status, String field) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The CPU's model name from /proc/cpuinfo. */
  static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
      return "unknown CPU";
    } catch (IOException e) {
      return "unknown CPU (" + e.getMessage() + ")";
    }
  }

  /** The JVM, e.g. "OpenJDK 64-Bit Server VM 17.0.21". */
  static String jvm() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  /** Whether libnd4j was built with oneDNN (its build information lists HAVE_ONEDNN). */
  static boolean oneDnn() {
    return nd4jBuildInfo().contains("HAVE_ONEDNN");
  }

  /** libnd4j's build information, the text of the "Backend build information" log line. */
  static String nd4jBuildInfo() {
    Nd4j.getEnvironment(); // loads the backend
    return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
  }

  /** ND4J's backend, e.g. "CpuBackend (nd4j-native, oneDNN)". */
  static String nd4jBackend() {
    return Nd4j.getBackend().getClass().getSimpleName()
        + " ("
        + Nd4j.getEnvironment().getClass().getSimpleName()
        + (oneDnn() ? ", HAVE_ONEDNN" : ", WITHOUT oneDNN: convolutions will be slow")
        + ")";
  }

  /**
   * Single-precision GEMM throughput in GFLOP/s: the best of {@code repeats} products of two {@code
   * n} x {@code n} FLOAT matrices into a preallocated result, on the calling thread's ND4J threads,
   * after one untimed product.
   */
  static double gemmPeakGflops(int n, int repeats) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    long best = Long.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      best = Math.min(best, System.nanoTime() - start);
    }
    return 2.0 * n * n * n / best;
  }
}
