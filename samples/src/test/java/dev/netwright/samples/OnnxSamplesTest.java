package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample network, exported to ONNX and run by ONNX Runtime on random inputs at batch 1 and 7,
 * gives what Netwright's forward gives in inference mode, to 1e-5 of the output's scale in FLOAT;
 * so do the head's probabilities. Batch-norm statistics and scales are randomised first, so that
 * inference with the running statistics is what is compared.
 */
class OnnxSamplesTest {
  static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  static Stream<String> samples() {
    List<String> names = new ArrayList<>();
    Samples.names().forEach(names::add);
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void onnxRuntimeAgreesWithForward(String name) throws Exception {
    Model model = Samples.create(name, 7);
    double worst = OnnxAgreement.check(model, dir.resolve(name + ".onnx"), 1, 7);
    System.out.printf("%s: ONNX Runtime agrees, max relative error %.2e%n", name, worst);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void fileDescribesTheNetwork(String name) throws Exception {
    if (name.startsWith("VGG") || name.equals("AlexNet")) {
      return; // the same writer; the large ones cost time without checking more
    }
    Model model = Samples.create(name, 3);
    Path file = dir.resolve(name + ".onnx");
    Onnx.export(file, model);
    var proto = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
    assertEquals(8, proto.getIrVersion());
    assertEquals(17, proto.getOpsetImport(0).getVersion());
    assertEquals("", proto.getOpsetImport(0).getDomain());
    assertTrue(
        proto.getDocString().contains(model.name())
            && proto.getDocString().contains(model.summary()));
    Map<String, String> meta = new java.util.HashMap<>();
    proto.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    assertEquals(model.name(), meta.get("network"));
    assertEquals(System.getProperty("netwright.version"), meta.get("netwright_version"));
    assertEquals(model.summary(), meta.get("summary"));
    // Initializers are the parameters and buffers under their .npz / state_dict names.
    List<String> expected = new ArrayList<>();
    model.parameters().list().forEach(p -> expected.add(p.name()));
    model.parameters().bufferList().forEach(b -> expected.add(b.name()));
    List<String> initializers =
        proto.getGraph().getInitializerList().stream()
            .map(onnx.Onnx.TensorProto::getName)
            .filter(expected::contains)
            .sorted()
            .toList();
    assertEquals(expected.stream().sorted().toList(), initializers);
    try (OrtRunner ort = new OrtRunner(file)) {
      Map<String, NodeInfo> inputs = ort.session().getInputInfo();
      assertEquals(List.of("input"), List.copyOf(inputs.keySet()));
      TensorInfo input = (TensorInfo) inputs.get("input").getInfo();
      long[] dims = input.getShape();
      assertEquals(-1, dims[0], "a symbolic batch dimension");
      int[] shape = model.inputShape();
      assertEquals(
          Arrays.toString(new long[] {-1, shape[0], shape[1], shape[2]}), Arrays.toString(dims));
      List<String> outputs = List.copyOf(ort.session().getOutputNames());
      assertEquals(
          model.head().name().startsWith("S")
              ? List.of("logits", "probabilities")
              : List.of("logits"),
          outputs);
      assertEquals("Netwright", ort.session().getMetadata().getProducerName());
    }
  }
}
