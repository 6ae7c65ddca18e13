package dev.netwright.samples;

import dev.netwright.dsl.Add;
import dev.netwright.dsl.AvgPool;
import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Concat;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Dropout;
import dev.netwright.dsl.Flatten;
import dev.netwright.dsl.GroupNorm;
import dev.netwright.dsl.Head;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Rounding;
import dev.netwright.dsl.Sigmoid;
import dev.netwright.dsl.Tanh;

/** Networks for the corners of the ONNX export that the samples do not reach. */
final class OnnxEdgeNets {
  private OnnxEdgeNets() {}

  /**
   * TensorFlow's SAME padding with its odd pixel at bottom and right (8 wide, stride 2, window 3),
   * average pooling that counts its padding and one that does not, SAME average pooling (never
   * counts), padded max pooling over negative values, batch norm without scale and shift on maps
   * and on features, and dropout as the last layer.
   */
  @Network(input = @Input(channels = 3, height = 8, width = 8), classes = 5)
  interface Padded {
    @Conv(filters = 4, kernel = 3, stride = 2, padding = Padding.SAME)
    Node same();

    @AvgPool(value = 2, stride = 1, padding = Padding.SAME)
    Node sameAvg();

    @MaxPool(value = 3, stride = 1, pad = 1)
    Node paddedMax();

    @AvgPool(value = 3, stride = 1, pad = 1)
    Node counted(Node sameAvg);

    @AvgPool(value = 3, stride = 1, pad = 1, countPadding = false)
    Node uncounted(Node sameAvg);

    @Concat
    @BatchNorm(affine = false)
    @Tanh
    Node joined(Node paddedMax, Node counted, Node uncounted);

    @MaxPool(value = 3, stride = 2, rounding = Rounding.FLOOR)
    Node floor();

    @Flatten
    Node flat();

    @Dense(6)
    @BatchNorm(affine = false, eps = 1e-3)
    @Sigmoid
    Node hidden();

    @Dense(5)
    @Dropout(0.5)
    Node out();
  }

  /** Three inputs added, a convolution without bias, and no head: the output is a feature map. */
  @Network(input = @Input(channels = 2, height = 6, width = 6), head = Head.NONE)
  interface ThreeWay {
    @Conv(filters = 3, kernel = 3, pad = 1, bias = false)
    Node a();

    @Conv(filters = 3, kernel = 1)
    @Relu
    Node b(Node input);

    @Conv(filters = 3, kernel = 3, pad = 1)
    Node c(Node input);

    @Add
    Node sum(Node a, Node b, Node c);
  }

  /**
   * Group norm, which ONNX expresses as reshape, instance norm, reshape, scale and shift: without
   * affine on maps, with it on features; and a grouped convolution with a bias.
   */
  @Network(input = @Input(channels = 4, height = 5, width = 5), classes = 3)
  interface Groups {
    @Conv(filters = 6, kernel = 3, pad = 1, groups = 2)
    @GroupNorm(groups = 3, affine = false)
    Node conv();

    @Dense(8)
    @GroupNorm(groups = 2, eps = 1e-3)
    @Tanh
    Node fc1();

    @Dense(3)
    Node fc2();
  }
}
