package dev.netwright.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Head;
import java.util.List;

/**
 * The classes generated code names, all in one place: the runtime's, ND4J's and javac's. The
 * processor never loads them; it only writes their names.
 */
final class RuntimeNames {
  private static final String RUNTIME = "dev.netwright.runtime";

  /** The runtime's packages generated code names: kernels, the model base, batch execution. */
  private static final String KERNEL = RUNTIME + ".kernel";

  private static final String MODEL = RUNTIME + ".model";
  private static final String EXEC = RUNTIME + ".exec";

  /** The packages whose classes generated code imports. */
  private static final List<String> IMPORTED =
      List.of(KERNEL, MODEL, EXEC, "org.nd4j.linalg.api.ndarray", "org.nd4j.linalg.api.buffer");

  static final ClassName GENERATED_MODEL = ClassName.get(MODEL, "GeneratedModel");
  static final ClassName BATCH = GENERATED_MODEL.nestedClass("Batch");
  static final ClassName PARAMETERS = ClassName.get(MODEL, "Parameters");
  static final ClassName INIT = PARAMETERS.nestedClass("Init");
  static final ClassName HEAD_TYPE = ClassName.get(MODEL, "HeadType");
  static final ClassName ONNX_GRAPH = ClassName.get(MODEL, "OnnxGraph");
  static final ClassName BRANCHES = ClassName.get(EXEC, "Branches");
  static final ClassName WINDOW = kernel("Window");
  static final ClassName ACCUMULATE = kernel("Accumulate");
  static final ClassName INDARRAY = ClassName.get("org.nd4j.linalg.api.ndarray", "INDArray");
  static final ClassName DATA_TYPE = ClassName.get("org.nd4j.linalg.api.buffer", "DataType");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  private RuntimeNames() {}

  /** The kernel class {@code simpleName} (a layer's {@code kernelClass()}). */
  static ClassName kernel(String simpleName) {
    return ClassName.get(KERNEL, simpleName);
  }

  /** The loss kernel of {@code head}, or null for a network without a head. */
  static ClassName loss(Head head) {
    return switch (head) {
      case SOFTMAX_CROSS_ENTROPY -> kernel("SoftmaxCrossEntropy");
      case SIGMOID_BINARY_CROSS_ENTROPY -> kernel("SigmoidCrossEntropy");
      case MEAN_SQUARED_ERROR -> kernel("MeanSquaredError");
      case NONE -> null;
    };
  }

  /** Columns {@code code} takes in the generated file, where the classes it names are imported. */
  static int width(CodeBlock code) {
    String text = code.toString();
    for (String imported : IMPORTED) {
      text = text.replace(imported + ".", "");
    }
    return text.length();
  }
}
