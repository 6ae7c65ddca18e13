package dev.netwright.benchmark;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The frameworks measured, in the order each round measures them. */
enum Framework {
  NETWRIGHT("netwright", "Netwright"),
  DL4J("dl4j", "DL4J"),
  PYTORCH("pytorch", "PyTorch"),
  /** Inference only: ONNX Runtime running the file Netwright exports of the same network. */
  ONNXRUNTIME("onnxruntime", "ONNX Runtime");

  final String key;
  final String title;

  Framework(String key, String title) {
    this.key = key;
    this.title = title;
  }

  /** The framework called {@code key}, e.g. "dl4j". */
  static Framework of(String key) {
    for (Framework f : values()) {
      if (f.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("no framework '" + key + "'; choose from " + keys());
  }

  /** All keys, comma-separated. */
  static String keys() {
    return Arrays.stream(values()).map(f -> f.key).collect(Collectors.joining(","));
  }
}
