package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The tutorials' networks: parameter counts as Keras' model.summary() and torchsummary report them
 * for the same definitions, shapes, summaries and diagrams.
 */
class BlockSamplesTest {
  @Test
  void kerasTutorialParameterCounts() {
    // Keras Conv2D: k*k*in*out + out per layer.
    assertEquals(38_720, KerasBlocks_VggBlockModel.PARAMETER_COUNT);
    assertEquals(2_325_568, KerasBlocks_VggBlocksModel.PARAMETER_COUNT);
    assertEquals(6_272, KerasBlocks_NaiveInception3aModel.PARAMETER_COUNT);
    assertEquals(124_384 + 388_736, KerasBlocks_Inception3a3bModel.PARAMETER_COUNT);
    assertEquals(38_976, KerasBlocks_ResidualModuleModel.PARAMETER_COUNT);
  }

  @Test
  void kerasTutorialOutputShapes() {
    assertEquals(64, KerasBlocks_VggBlockModel.BLOCK1_CHANNELS);
    assertEquals(128, KerasBlocks_VggBlockModel.BLOCK1_HEIGHT);
    assertEquals(256, KerasBlocks_VggBlocksModel.BLOCK3_CHANNELS);
    assertEquals(32, KerasBlocks_VggBlocksModel.BLOCK3_WIDTH);
    assertEquals(227, KerasBlocks_NaiveInception3aModel.INCEPTION_CHANNELS);
    assertEquals(256, KerasBlocks_Inception3a3bModel.INCEPTION3A_CHANNELS);
    assertEquals(480, KerasBlocks_Inception3a3bModel.INCEPTION3B_CHANNELS);
    assertEquals(256, KerasBlocks_ResidualModuleModel.RESIDUAL_HEIGHT);
  }

  @Test
  void lectureParameterCounts() {
    assertEquals(97_298, InceptionNetModel.PARAMETER_COUNT); // torchsummary, in the lecture
    assertEquals(88, InceptionNetModel.INCEP2_CHANNELS);
    // conv1 416 + rblock1 2 x 2,320 + conv2 12,832 + rblock2 2 x 9,248 + fc 5,130
    assertEquals(41_514, ResNetModel.PARAMETER_COUNT);
  }

  @Test
  void parameterNamesFollowTheLecturesModules() {
    Model net = new InceptionNetModel();
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new long[] {24, 16, 5, 5}, net.parameters().get("incep1.branch5x5_2.weight").shape());
    assertTrue(
        net.parameters().list().stream().anyMatch(p -> p.name().equals("incep2.branch_pool.bias")));
    Model res = new ResNetModel();
    assertTrue(
        res.parameters().list().stream().anyMatch(p -> p.name().equals("rblock2.conv2.weight")));
  }

  @Test
  void headlessNetworkRunsForwardAndBackwardFromAGivenGradient() {
    Model net = new KerasBlocks_ResidualModuleModel(DataType.FLOAT, 1);
    INDArray y = net.forward(Nd4j.rand(DataType.FLOAT, 1, 3, 256, 256));
    assertEquals(
        java.util.List.of(1L, 64L, 256L, 256L),
        java.util.Arrays.stream(y.shape()).boxed().toList());
    net.backward(Nd4j.ones(DataType.FLOAT, 1, 64, 256, 256));
    assertTrue(
        net.parameters().get("residual.shortcut.weight").gradient().norm2Number().doubleValue()
            > 0);
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> net.loss(Nd4j.zeros(DataType.FLOAT, 1, 10)));
    assertTrue(e.getMessage().contains("has no head"), e.getMessage());
  }

  @Test
  void summaryShowsBlocksAndTheirMembersIndented() {
    String summary = InceptionNetModel.SUMMARY;
    assertTrue(
        summary.matches(
            "(?s).*\\nincep1 +InceptionA\\(16, 16, 24, 16, 24, 24\\) +\\[88, 12, 12\\] +19,104.*"),
        summary);
    assertTrue(
        summary.matches(
            "(?s).*\\n  branch5x5_2 +Conv2d 16->24 5x5 s1 pad 2 +\\[24, 12, 12\\] +9,624.*"),
        summary);
    assertTrue(summary.contains("Parameters: 97,298"), summary);
  }

  @Test
  void diagramParsesWithGraphvizAndNamesEveryNode(@TempDir Path dir) throws Exception {
    for (Model net :
        new Model[] {
          new InceptionNetModel(),
          new ResNetModel(),
          new KerasBlocks_Inception3a3bModel(),
          new TinyBlocks_NestedModel(DataType.FLOAT, 0)
        }) {
      String dot = net.diagram();
      for (String node : nodeNames(net)) {
        assertTrue(dot.contains("\"" + node + "\" [label="), net.name() + " diagram lacks " + node);
      }
      Path file = dir.resolve(net.name() + ".dot");
      Files.writeString(file, dot);
      Process p =
          new ProcessBuilder("dot", "-Tsvg", file.toString()).redirectErrorStream(true).start();
      String svg;
      try (InputStream in = p.getInputStream()) {
        svg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), "dot rejected the diagram of " + net.name() + ":\n" + svg);
      assertTrue(svg.contains("<svg"), svg);
    }
  }

  @Test
  void diagramIsAlsoAResourceBesideTheClass() throws IOException {
    try (InputStream in = InceptionNetModel.class.getResourceAsStream("InceptionNetModel.dot")) {
      assertEquals(
          InceptionNetModel.DIAGRAM, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(InceptionNetModel.DIAGRAM.contains("subgraph \"cluster_incep1\""));
  }

  /** Every node of a network: names from the diagram's node lines are what we check against. */
  private static java.util.List<String> nodeNames(Model net) {
    // Parameters are named "<node>.weight": every learned node must appear in the diagram.
    return net.parameters().list().stream()
        .map(p -> p.name().substring(0, p.name().lastIndexOf('.')))
        .distinct()
        .toList();
  }
}
