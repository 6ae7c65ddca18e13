package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Model;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Every block and hand-written graph: backward against central differences in double precision. */
class BlockGradientTest {
  private static void check(Model model) {
    GradientCheck.check(
        model, GradientCheck.input(model, 2, 1), GradientCheck.labels(model, 2, 2), 30, 1e-5);
  }

  @Test
  void vggBlock() {
    check(new TinyBlocks_VggModel(DataType.DOUBLE, 1));
  }

  @Test
  void naiveInception() {
    check(new TinyBlocks_NaiveModel(DataType.DOUBLE, 2));
  }

  @Test
  void inceptionWithReductions() {
    check(new TinyBlocks_ReducedModel(DataType.DOUBLE, 3));
  }

  @Test
  void inceptionAWithItsAveragePoolBranch() {
    check(new TinyBlocks_LectureInceptionModel(DataType.DOUBLE, 4));
  }

  @Test
  void residualWithIdentityShortcut() {
    check(new TinyBlocks_IdentityModel(DataType.DOUBLE, 5));
  }

  @Test
  void residualWithProjectionShortcutAndStride() {
    TinyBlocks_ProjectedModel model = new TinyBlocks_ProjectedModel(DataType.DOUBLE, 6);
    assertEquals(3, TinyBlocks_ProjectedModel.RES_HEIGHT);
    assertTrue(
        model.parameters().list().stream().anyMatch(p -> p.name().equals("res.shortcut.weight")));
    assertTrue(
        model.parameters().list().stream().anyMatch(p -> p.name().equals("res2.shortcut.weight")));
    check(model);
  }

  @Test
  void bottleneckResidual() {
    check(new TinyBlocks_BottleneckModel(DataType.DOUBLE, 7));
  }

  @Test
  void concatAndAddByHandWithFanOut() {
    check(new TinyBlocks_ByHandModel(DataType.DOUBLE, 8));
  }

  @Test
  void nestedUserBlocksNameTheirParametersUnderTheNode() {
    TinyBlocks_NestedModel model = new TinyBlocks_NestedModel(DataType.DOUBLE, 9);
    List<String> names = model.parameters().list().stream().map(p -> p.name()).toList();
    assertTrue(names.contains("block.first.conv1.weight"), names.toString());
    assertTrue(names.contains("block.second.conv2.bias"), names.toString());
    assertTrue(names.contains("after.conv1.weight"), names.toString());
    check(model);
  }
}
