package dev.netwright.samples;

import dev.netwright.runtime.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.nd4j.linalg.api.buffer.DataType;

/** The sample networks the command line knows, by name. */
final class Samples {
  private Samples() {}

  private static final Map<String, LongFunction<Model>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("SimpleNet", seed -> new SimpleNetModel(DataType.FLOAT, seed));
    BY_NAME.put("InceptionNet", seed -> new InceptionNetModel(DataType.FLOAT, seed));
    BY_NAME.put("ResNet", seed -> new ResNetModel(DataType.FLOAT, seed));
    BY_NAME.put("KerasVggBlock", seed -> new KerasBlocks_VggBlockModel(DataType.FLOAT, seed));
    BY_NAME.put("KerasVggBlocks", seed -> new KerasBlocks_VggBlocksModel(DataType.FLOAT, seed));
    BY_NAME.put("KerasNaiveInception", seed -> new KerasBlocks_NaiveInception3aModel(DataType.FLOAT, seed));
    BY_NAME.put("KerasInception", seed -> new KerasBlocks_Inception3a3bModel(DataType.FLOAT, seed));
    BY_NAME.put("KerasResidual", seed -> new KerasBlocks_ResidualModuleModel(DataType.FLOAT, seed));
  }

  /** The sample called {@code name} (case-insensitive), initialised from {@code seed}. */
  static Model create(String name, long seed) {
    for (Map.Entry<String, LongFunction<Model>> e : BY_NAME.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue().apply(seed);
      }
    }
    throw new IllegalArgumentException(
        "no sample network '" + name + "'; the samples are " + String.join(", ", BY_NAME.keySet()));
  }

  /** The names, in order. */
  static Iterable<String> names() {
    return BY_NAME.keySet();
  }
}
