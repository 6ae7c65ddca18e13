package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The classic networks compile with their published parameter counts: the numbers PyTorch and
 * torchvision report for the same definitions (tools/reference_parameter_counts.py prints them).
 * Trainable parameters and non-trainable batch-norm statistics are counted apart, so both Keras'
 * and PyTorch's conventions can be compared.
 */
class ClassicNetworksTest {
  @Test
  void leNet5() {
    assertEquals(61_706, Classics_LeNet5Model.PARAMETER_COUNT);
    assertEquals(10, Classics_LeNet5Model.FC_FEATURES);
  }

  @Test
  void alexNet() {
    assertEquals(62_378_344, Classics_AlexNetModel.PARAMETER_COUNT);
    assertEquals(6, Classics_AlexNetModel.CONV5_HEIGHT);
  }

  @Test
  void vgg() {
    assertEquals(138_357_544, Classics_Vgg16Model.PARAMETER_COUNT);
    assertEquals(143_667_240, Classics_Vgg19Model.PARAMETER_COUNT);
    assertEquals(7, Classics_Vgg16Model.BLOCK5_HEIGHT);
  }

  @Test
  void googLeNet() {
    assertEquals(6_998_552, Classics_GoogLeNetModel.PARAMETER_COUNT);
    assertEquals(1024, Classics_GoogLeNetModel.INCEPTION5B_CHANNELS);
    assertEquals(7, Classics_GoogLeNetModel.INCEPTION5B_HEIGHT);
    assertTrue(Classics_GoogLeNetModel.SUMMARY.contains("LRN radius 2"));
  }

  @Test
  void resNets() {
    assertEquals(11_689_512, Classics_ResNet18Model.PARAMETER_COUNT);
    assertEquals(9_600, Classics_ResNet18Model.BUFFER_COUNT);
    assertEquals(21_797_672, Classics_ResNet34Model.PARAMETER_COUNT);
    assertEquals(17_024, Classics_ResNet34Model.BUFFER_COUNT);
    assertEquals(25_557_032, Classics_ResNet50Model.PARAMETER_COUNT);
    assertEquals(53_120, Classics_ResNet50Model.BUFFER_COUNT);
    assertEquals(2048, Classics_ResNet50Model.LAYER4_2_CHANNELS);
    assertEquals(7, Classics_ResNet50Model.LAYER4_2_HEIGHT);
  }

  @Test
  void smallClassics() {
    // conv1 100 + conv2 455 + batch norm 10 + fc1 1,050 + out 510
    assertEquals(2_125, DigitsCnnModel.PARAMETER_COUNT);
    assertEquals(10, DigitsCnnModel.BUFFER_COUNT);
    // 49,152 x 20 + 20, 20 x 7 + 7, 7 x 5 + 5, 5 x 1 + 1
    assertEquals(983_253, CatClassifierModel.PARAMETER_COUNT);
  }

  @Test
  void resNet18RunsForwardAndBackward() {
    var net = new Classics_ResNet18Model(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1);
    var x =
        org.nd4j.linalg.factory.Nd4j.rand(
            org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 224, 224);
    var labels =
        org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1000);
    labels.putScalar(0, 3, 1);
    labels.putScalar(1, 7, 1);
    net.forward(x);
    double loss = net.loss(labels);
    assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
    net.backward();
    assertTrue(net.parameters().get("stem.weight").gradient().norm2Number().doubleValue() > 0);
  }
}
