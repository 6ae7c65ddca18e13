package dev.netwright.processor.graph;

import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import java.util.List;

/** A node written as one block annotation (or a user block), expanded into several nodes. */
public sealed interface BlockSpec
    permits BlockSpec.Vgg, BlockSpec.Inception, BlockSpec.InceptionA, BlockSpec.Residual,
        BlockSpec.User {
  /** The block's annotation (or the method using a user block). */
  Location at();

  /** How the summary and the diagram name the block, e.g. "InceptionA(16, 16, 24, 16, 24, 24)". */
  String title();

  /** {@code convs} 3x3 SAME convolutions with ReLU, then 2x2 max pooling. */
  record Vgg(Value convs, Value filters, Location at) implements BlockSpec {
    @Override
    public String title() {
      return "VGGBlock(" + convs.value() + " x " + filters.value() + ")";
    }
  }

  /** Inception, naive (reductions null) or with 1x1 reductions. */
  record Inception(Value conv1x1, Value reduce3x3, Value conv3x3, Value reduce5x5, Value conv5x5,
      Value poolProjection, Location at) implements BlockSpec {
    /** Whether this is the naive module. */
    public boolean naive() {
      return reduce3x3 == null;
    }

    @Override
    public String title() {
      return naive()
          ? "NaiveInception(" + conv1x1.value() + ", " + conv3x3.value() + ", " + conv5x5.value() + ")"
          : "Inception(" + conv1x1.value() + ", " + reduce3x3.value() + ", " + conv3x3.value() + ", "
              + reduce5x5.value() + ", " + conv5x5.value() + ", " + poolProjection.value() + ")";
    }
  }

  /** The PyTorch lecture's InceptionA. */
  record InceptionA(Value conv1x1, Value reduce5x5, Value conv5x5, Value reduce3x3, Value conv3x3,
      Value poolProjection, Location at) implements BlockSpec {
    @Override
    public String title() {
      return "InceptionA(" + conv1x1.value() + ", " + reduce5x5.value() + ", " + conv5x5.value() + ", "
          + reduce3x3.value() + ", " + conv3x3.value() + ", " + poolProjection.value() + ")";
    }
  }

  /**
   * A residual module.
   *
   * @param projection AUTO, ALWAYS or NEVER
   * @param variant BASIC, BOTTLENECK or PRE_ACTIVATION
   */
  record Residual(Value filters, Value stride, String projection, Location projectionAt,
      String variant, Location variantAt, Value expansion, boolean batchNorm, Location at)
      implements BlockSpec {
    @Override
    public String title() {
      return "Residual(" + filters.value() + (stride.value() == 1 ? "" : ", stride " + stride.value())
          + (variant.equals("BASIC") ? "" : ", " + variant.toLowerCase())
          + (variant.equals("BOTTLENECK") ? " x" + expansion.value() : "")
          + (batchNorm && !variant.equals("PRE_ACTIVATION") ? ", batch norm" : "") + ")";
    }
  }

  /** An interface annotated {@code @Block}: its nodes, in order; the last is its output. */
  record User(String type, List<NodeSpec> nodes, Location at) implements BlockSpec {
    @Override
    public String title() {
      return type;
    }
  }
}
