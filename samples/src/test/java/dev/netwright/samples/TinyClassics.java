package dev.netwright.samples;

import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Dropout;
import dev.netwright.dsl.GlobalAvgPool;
import dev.netwright.dsl.Head;
import dev.netwright.dsl.Init;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.Lrn;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Residual;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.dsl.Sigmoid;
import dev.netwright.dsl.Softmax;
import dev.netwright.dsl.Tanh;

/** Small networks around the classic layers and heads, for gradient checks. */
final class TinyClassics {
  private TinyClassics() {}

  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3, init = Init.HE_NORMAL)
  interface Norms {
    @Conv(filters = 6, kernel = 3, pad = 1, bias = false)
    @BatchNorm
    @Relu
    Node conv1();

    @Conv(filters = 6, kernel = 3, init = Init.XAVIER_UNIFORM)
    @Lrn(depthRadius = 1)
    @Tanh
    Node conv2();

    @GlobalAvgPool
    Node pool();

    @Dense(4)
    @BatchNorm
    @Sigmoid
    Node fc1();

    @Dense(3)
    Node fc2();
  }

  @Network(
      input = @Input(channels = 2, height = 4, width = 4),
      head = Head.SIGMOID_BINARY_CROSS_ENTROPY)
  interface Binary {
    @Conv(filters = 3, kernel = 3)
    @Relu
    Node conv();

    @Dense(1)
    Node logit();
  }

  @Network(input = @Input(channels = 1, height = 3, width = 3), head = Head.MEAN_SQUARED_ERROR)
  interface Regression {
    @Dense(5)
    @Tanh
    Node hidden();

    @Dense(4)
    @Softmax
    Node out();
  }

  @Network(input = @Input(channels = 2, height = 6, width = 6), classes = 3)
  interface Residuals {
    @Conv(filters = 4, kernel = 1)
    Node stem();

    @Residual(filters = 4, batchNorm = true)
    Node basic();

    @Residual(
        filters = 2,
        stride = 2,
        variant = ResidualVariant.BOTTLENECK,
        expansion = 2,
        batchNorm = true)
    Node bottleneck();

    @Residual(filters = 3, variant = ResidualVariant.PRE_ACTIVATION)
    Node pre();

    @Dense(3)
    Node fc();
  }

  /** A Fashion-MNIST-sized network with dropout, for exact resume. */
  @Network(input = @Input(channels = 1, height = 28, width = 28), classes = 10)
  interface DropoutNet {
    @Conv(filters = 4, kernel = 5)
    @MaxPool(2)
    @Relu
    Node conv();

    @Dense(32)
    @Relu
    @Dropout(0.5)
    Node fc1();

    @Dense(10)
    Node fc2();
  }
}
