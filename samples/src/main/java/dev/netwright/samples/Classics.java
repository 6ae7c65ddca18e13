package dev.netwright.samples;

import dev.netwright.dsl.AvgPool;
import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Dropout;
import dev.netwright.dsl.GlobalAvgPool;
import dev.netwright.dsl.Inception;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Lrn;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Residual;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.dsl.Rounding;
import dev.netwright.dsl.Tanh;
import dev.netwright.dsl.VGGBlock;

/** The classic networks, with their published parameter counts (asserted in the tests). */
public final class Classics {
  private Classics() {}

  /** LeNet-5 (LeCun et al. 1998) on 32x32: tanh and average pooling; 61,706 parameters. */
  @Network(input = @Input(channels = 1, height = 32, width = 32), classes = 10)
  public interface LeNet5 {
    /** C1 (6 maps of 28x28) and S2: [6, 14, 14]. */
    @Conv(filters = 6, kernel = 5)
    @Tanh
    @AvgPool(2)
    Node c1();

    /** C3 (16 maps of 10x10) and S4: [16, 5, 5]. */
    @Conv(filters = 16, kernel = 5)
    @Tanh
    @AvgPool(2)
    Node c3();

    /** C5: 400 → 120. */
    @Dense(120)
    @Tanh
    Node c5();

    /** F6: 120 → 84. */
    @Dense(84)
    @Tanh
    Node f6();

    /** The 10 class scores. */
    @Dense(10)
    Node fc();
  }

  /**
   * AlexNet (Krizhevsky et al. 2012) as one tower on 227x227x3, with LRN after the first two
   * convolutions: 62,378,344 parameters.
   */
  @Network(input = @Input(channels = 3, height = 227, width = 227), classes = 1000)
  public interface AlexNet {
    /** 96 11x11 stride 4 → 55x55, LRN, 3x3 stride-2 pooling → 27x27. */
    @Conv(filters = 96, kernel = 11, stride = 4)
    @Relu
    @Lrn
    @MaxPool(value = 3, stride = 2)
    Node conv1();

    /** 256 5x5 pad 2, LRN, pooling → 13x13. */
    @Conv(filters = 256, kernel = 5, pad = 2)
    @Relu
    @Lrn
    @MaxPool(value = 3, stride = 2)
    Node conv2();

    /** 384 3x3. */
    @Conv(filters = 384, kernel = 3, pad = 1)
    @Relu
    Node conv3();

    /** 384 3x3. */
    @Conv(filters = 384, kernel = 3, pad = 1)
    @Relu
    Node conv4();

    /** 256 3x3, pooling → 6x6. */
    @Conv(filters = 256, kernel = 3, pad = 1)
    @Relu
    @MaxPool(value = 3, stride = 2)
    Node conv5();

    /** 9216 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc6();

    /** 4096 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc7();

    /** 4096 → 1000. */
    @Dense(1000)
    Node fc8();
  }

  /** VGG-16 (configuration D): 138,357,544 parameters. */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface Vgg16 {
    /** [64, 112, 112]. */
    @VGGBlock(convs = 2, filters = 64)
    Node block1();

    /** [128, 56, 56]. */
    @VGGBlock(convs = 2, filters = 128)
    Node block2();

    /** [256, 28, 28]. */
    @VGGBlock(convs = 3, filters = 256)
    Node block3();

    /** [512, 14, 14]. */
    @VGGBlock(convs = 3, filters = 512)
    Node block4();

    /** [512, 7, 7]. */
    @VGGBlock(convs = 3, filters = 512)
    Node block5();

    /** 25088 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc6();

    /** 4096 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc7();

    /** 4096 → 1000. */
    @Dense(1000)
    Node fc8();
  }

  /** VGG-19 (configuration E): 143,667,240 parameters. */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface Vgg19 {
    /** [64, 112, 112]. */
    @VGGBlock(convs = 2, filters = 64)
    Node block1();

    /** [128, 56, 56]. */
    @VGGBlock(convs = 2, filters = 128)
    Node block2();

    /** [256, 28, 28]. */
    @VGGBlock(convs = 4, filters = 256)
    Node block3();

    /** [512, 14, 14]. */
    @VGGBlock(convs = 4, filters = 512)
    Node block4();

    /** [512, 7, 7]. */
    @VGGBlock(convs = 4, filters = 512)
    Node block5();

    /** 25088 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc6();

    /** 4096 → 4096. */
    @Dense(4096)
    @Relu
    @Dropout(0.5)
    Node fc7();

    /** 4096 → 1000. */
    @Dense(1000)
    Node fc8();
  }

  /**
   * GoogLeNet (Szegedy et al. 2015, Table 1) without the auxiliary classifiers, with LRN after the
   * stem as in the paper, global average pooling and dropout 0.4 before the classifier.
   */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface GoogLeNet {
    /** 7x7/2 → 112, 3x3/2 max pooling → 56, LRN. */
    @Conv(filters = 64, kernel = 7, stride = 2, padding = Padding.SAME)
    @Relu
    @MaxPool(value = 3, stride = 2, padding = Padding.SAME)
    @Lrn(depthRadius = 2, bias = 1, alpha = 1e-4, beta = 0.75)
    Node conv1();

    /** 1x1 reduction to 64. */
    @Conv(filters = 64, kernel = 1)
    @Relu
    Node conv2Reduce();

    /** 3x3 to 192, LRN, 3x3/2 max pooling → 28. */
    @Conv(filters = 192, kernel = 3, padding = Padding.SAME)
    @Relu
    @Lrn(depthRadius = 2, bias = 1, alpha = 1e-4, beta = 0.75)
    @MaxPool(value = 3, stride = 2, padding = Padding.SAME)
    Node conv2();

    /** 3a: 256 channels. */
    @Inception(
        conv1x1 = 64,
        reduce3x3 = 96,
        conv3x3 = 128,
        reduce5x5 = 16,
        conv5x5 = 32,
        poolProjection = 32)
    Node inception3a();

    /** 3b: 480 channels. */
    @Inception(
        conv1x1 = 128,
        reduce3x3 = 128,
        conv3x3 = 192,
        reduce5x5 = 32,
        conv5x5 = 96,
        poolProjection = 64)
    Node inception3b();

    /** 3x3/2 → 14. */
    @MaxPool(value = 3, stride = 2, padding = Padding.SAME)
    Node pool3();

    /** 4a: 512. */
    @Inception(
        conv1x1 = 192,
        reduce3x3 = 96,
        conv3x3 = 208,
        reduce5x5 = 16,
        conv5x5 = 48,
        poolProjection = 64)
    Node inception4a();

    /** 4b: 512. */
    @Inception(
        conv1x1 = 160,
        reduce3x3 = 112,
        conv3x3 = 224,
        reduce5x5 = 24,
        conv5x5 = 64,
        poolProjection = 64)
    Node inception4b();

    /** 4c: 512. */
    @Inception(
        conv1x1 = 128,
        reduce3x3 = 128,
        conv3x3 = 256,
        reduce5x5 = 24,
        conv5x5 = 64,
        poolProjection = 64)
    Node inception4c();

    /** 4d: 528. */
    @Inception(
        conv1x1 = 112,
        reduce3x3 = 144,
        conv3x3 = 288,
        reduce5x5 = 32,
        conv5x5 = 64,
        poolProjection = 64)
    Node inception4d();

    /** 4e: 832. */
    @Inception(
        conv1x1 = 256,
        reduce3x3 = 160,
        conv3x3 = 320,
        reduce5x5 = 32,
        conv5x5 = 128,
        poolProjection = 128)
    Node inception4e();

    /** 3x3/2 → 7. */
    @MaxPool(value = 3, stride = 2, padding = Padding.SAME)
    Node pool4();

    /** 5a: 832. */
    @Inception(
        conv1x1 = 256,
        reduce3x3 = 160,
        conv3x3 = 320,
        reduce5x5 = 32,
        conv5x5 = 128,
        poolProjection = 128)
    Node inception5a();

    /** 5b: 1024. */
    @Inception(
        conv1x1 = 384,
        reduce3x3 = 192,
        conv3x3 = 384,
        reduce5x5 = 48,
        conv5x5 = 128,
        poolProjection = 128)
    Node inception5b();

    /** 7x7 average pooling as global average pooling, dropout 40%. */
    @GlobalAvgPool
    @Dropout(0.4)
    Node pool5();

    /** 1024 → 1000. */
    @Dense(1000)
    Node fc();
  }

  /** ResNet-18 in torchvision's layout: 11,689,512 trainable parameters. */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface ResNet18 {
    /** 7x7/2 conv, batch norm, ReLU, 3x3/2 max pooling: [64, 56, 56]. */
    @Conv(filters = 64, kernel = 7, stride = 2, pad = 3, bias = false, rounding = Rounding.FLOOR)
    @BatchNorm
    @Relu
    @MaxPool(value = 3, stride = 2, pad = 1, rounding = Rounding.FLOOR)
    Node stem();

    @Residual(filters = 64, batchNorm = true)
    Node layer1_0();

    @Residual(filters = 64, batchNorm = true)
    Node layer1_1();

    @Residual(filters = 128, stride = 2, batchNorm = true)
    Node layer2_0();

    @Residual(filters = 128, batchNorm = true)
    Node layer2_1();

    @Residual(filters = 256, stride = 2, batchNorm = true)
    Node layer3_0();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_1();

    @Residual(filters = 512, stride = 2, batchNorm = true)
    Node layer4_0();

    @Residual(filters = 512, batchNorm = true)
    Node layer4_1();

    /** [512]. */
    @GlobalAvgPool
    Node pool();

    /** 512 → 1000. */
    @Dense(1000)
    Node fc();
  }

  /** ResNet-34 in torchvision's layout: 21,797,672 trainable parameters. */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface ResNet34 {
    /** [64, 56, 56]. */
    @Conv(filters = 64, kernel = 7, stride = 2, pad = 3, bias = false, rounding = Rounding.FLOOR)
    @BatchNorm
    @Relu
    @MaxPool(value = 3, stride = 2, pad = 1, rounding = Rounding.FLOOR)
    Node stem();

    @Residual(filters = 64, batchNorm = true)
    Node layer1_0();

    @Residual(filters = 64, batchNorm = true)
    Node layer1_1();

    @Residual(filters = 64, batchNorm = true)
    Node layer1_2();

    @Residual(filters = 128, stride = 2, batchNorm = true)
    Node layer2_0();

    @Residual(filters = 128, batchNorm = true)
    Node layer2_1();

    @Residual(filters = 128, batchNorm = true)
    Node layer2_2();

    @Residual(filters = 128, batchNorm = true)
    Node layer2_3();

    @Residual(filters = 256, stride = 2, batchNorm = true)
    Node layer3_0();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_1();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_2();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_3();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_4();

    @Residual(filters = 256, batchNorm = true)
    Node layer3_5();

    @Residual(filters = 512, stride = 2, batchNorm = true)
    Node layer4_0();

    @Residual(filters = 512, batchNorm = true)
    Node layer4_1();

    @Residual(filters = 512, batchNorm = true)
    Node layer4_2();

    /** [512]. */
    @GlobalAvgPool
    Node pool();

    /** 512 → 1000. */
    @Dense(1000)
    Node fc();
  }

  /** ResNet-50 in torchvision's layout (stride on the 3x3): 25,557,032 trainable parameters. */
  @Network(input = @Input(channels = 3, height = 224, width = 224), classes = 1000)
  public interface ResNet50 {
    /** [64, 56, 56]. */
    @Conv(filters = 64, kernel = 7, stride = 2, pad = 3, bias = false, rounding = Rounding.FLOOR)
    @BatchNorm
    @Relu
    @MaxPool(value = 3, stride = 2, pad = 1, rounding = Rounding.FLOOR)
    Node stem();

    @Residual(filters = 64, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer1_0();

    @Residual(filters = 64, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer1_1();

    @Residual(filters = 64, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer1_2();

    @Residual(filters = 128, stride = 2, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer2_0();

    @Residual(filters = 128, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer2_1();

    @Residual(filters = 128, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer2_2();

    @Residual(filters = 128, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer2_3();

    @Residual(filters = 256, stride = 2, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_0();

    @Residual(filters = 256, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_1();

    @Residual(filters = 256, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_2();

    @Residual(filters = 256, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_3();

    @Residual(filters = 256, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_4();

    @Residual(filters = 256, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer3_5();

    @Residual(filters = 512, stride = 2, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer4_0();

    @Residual(filters = 512, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer4_1();

    @Residual(filters = 512, variant = ResidualVariant.BOTTLENECK, batchNorm = true)
    Node layer4_2();

    /** [2048]. */
    @GlobalAvgPool
    Node pool();

    /** 2048 → 1000. */
    @Dense(1000)
    Node fc();
  }
}
