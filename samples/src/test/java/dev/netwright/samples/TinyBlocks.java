package dev.netwright.samples;

import dev.netwright.dsl.Add;
import dev.netwright.dsl.AvgPool;
import dev.netwright.dsl.Block;
import dev.netwright.dsl.Concat;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Inception;
import dev.netwright.dsl.InceptionA;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.NaiveInception;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Projection;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Residual;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.dsl.VGGBlock;

/**
 * Small networks around each block, compiled by the real processor, for gradient checks. Each
 * starts with a convolution so that the block's own input gradient is exercised too.
 */
final class TinyBlocks {
  private TinyBlocks() {}

  @Network(input = @Input(channels = 2, height = 6, width = 6), classes = 3)
  interface Vgg {
    @Conv(filters = 3, kernel = 1)
    Node stem();

    @VGGBlock(convs = 2, filters = 3)
    Node vgg();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3)
  interface Naive {
    @Conv(filters = 2, kernel = 1)
    Node stem();

    @NaiveInception(conv1x1 = 2, conv3x3 = 2, conv5x5 = 2)
    Node mix();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3)
  interface Reduced {
    @Conv(filters = 3, kernel = 1)
    Node stem();

    @Inception(
        conv1x1 = 2,
        reduce3x3 = 2,
        conv3x3 = 3,
        reduce5x5 = 2,
        conv5x5 = 2,
        poolProjection = 2)
    Node mix();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 1, height = 6, width = 6), classes = 3)
  interface LectureInception {
    @Conv(filters = 2, kernel = 3)
    Node stem();

    @InceptionA(
        conv1x1 = 2,
        reduce5x5 = 2,
        conv5x5 = 3,
        reduce3x3 = 2,
        conv3x3 = 2,
        poolProjection = 2)
    Node mix();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3)
  interface Identity {
    @Conv(filters = 3, kernel = 1)
    Node stem();

    @Residual(filters = 3)
    Node res();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 2, height = 6, width = 6), classes = 3)
  interface Projected {
    @Conv(filters = 2, kernel = 1)
    Node stem();

    @Residual(filters = 3, stride = 2)
    Node res();

    @Residual(filters = 3, projection = Projection.ALWAYS)
    Node res2();

    @Dense(3)
    Node fc();
  }

  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3)
  interface Bottleneck {
    @Conv(filters = 4, kernel = 1)
    Node stem();

    @Residual(filters = 2, variant = ResidualVariant.BOTTLENECK, expansion = 2)
    Node res();

    @Dense(3)
    Node fc();
  }

  /** Concat and add written by hand, with a node that feeds three others. */
  @Network(input = @Input(channels = 2, height = 5, width = 5), classes = 3)
  interface ByHand {
    @Conv(filters = 3, kernel = 3, padding = Padding.SAME)
    @Relu
    Node a();

    @Conv(filters = 2, kernel = 1)
    Node b(Node a);

    @AvgPool(value = 3, stride = 1, pad = 1)
    Node c(Node a);

    @Concat
    Node cat(Node b, Node c, Node a);

    @Conv(filters = 8, kernel = 1)
    Node wide(Node cat);

    @Add
    @Relu
    Node sum(Node wide, Node cat);

    @MaxPool(value = 2, stride = 1)
    Node pool();

    @Dense(3)
    Node fc();
  }

  /** A user block: a skip connection. */
  @Block
  interface Skip {
    @Conv(filters = 3, kernel = 3, pad = 1)
    @Relu
    Node conv1();

    @Conv(filters = 3, kernel = 3, pad = 1)
    Node conv2();

    @Add
    @Relu
    Node out(Node conv2, Node input);
  }

  /** A user block using another twice, with a branch of its own. */
  @Block
  interface Twice {
    Skip first();

    Skip second();

    @Conv(filters = 3, kernel = 1)
    Node side(Node input);

    @Concat
    Node out(Node second, Node side);
  }

  @Network(input = @Input(channels = 3, height = 4, width = 4), classes = 3)
  interface Nested {
    @Conv(filters = 3, kernel = 1)
    Node stem();

    Twice block();

    Skip after(Node stem);

    @Concat
    Node join(Node block, Node after);

    @Dense(3)
    Node fc();
  }
}
