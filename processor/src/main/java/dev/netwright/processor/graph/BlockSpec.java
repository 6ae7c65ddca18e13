package dev.netwright.processor.graph;

import dev.netwright.dsl.Projection;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import java.util.List;

/** A node written as one block annotation (or a user block), expanded into several nodes. */
public sealed interface BlockSpec
    permits BlockSpec.Vgg,
        BlockSpec.Inception,
        BlockSpec.InceptionA,
        BlockSpec.Residual,
        BlockSpec.User {
  /** The block's annotation (or the method using a user block). */
  Location at();

  /** How the summary and the diagram name the block, e.g. "InceptionA(16, 16, 24, 16, 24, 24)". */
  String title();

  /** The first width or count the user wrote that is not positive, as a problem; null if none. */
  Problem check(String node);

  /** Expands the block through {@code x}, reading {@code input} of shape {@code in}. */
  void expand(BlockExpander x, String input, Shape in) throws Failure;

  /** {@code convs} 3x3 SAME convolutions with ReLU, then 2x2 max pooling. */
  record Vgg(Value convs, Value filters, Location at) implements BlockSpec {
    @Override
    public String title() {
      return "VGGBlock(" + convs.value() + " x " + filters.value() + ")";
    }

    @Override
    public Problem check(String node) {
      return first(
          width("convs", "VGGBlock", node, convs), width("filters", "VGGBlock", node, filters));
    }

    @Override
    public void expand(BlockExpander x, String input, Shape in) {
      x.vgg(this, input);
    }
  }

  /** Inception, naive (reductions null) or with 1x1 reductions. */
  record Inception(
      Value conv1x1,
      Value reduce3x3,
      Value conv3x3,
      Value reduce5x5,
      Value conv5x5,
      Value poolProjection,
      Location at)
      implements BlockSpec {
    /** Whether this is the naive module. */
    public boolean naive() {
      return reduce3x3 == null;
    }

    @Override
    public String title() {
      return naive()
          ? "NaiveInception("
              + conv1x1.value()
              + ", "
              + conv3x3.value()
              + ", "
              + conv5x5.value()
              + ")"
          : "Inception("
              + conv1x1.value()
              + ", "
              + reduce3x3.value()
              + ", "
              + conv3x3.value()
              + ", "
              + reduce5x5.value()
              + ", "
              + conv5x5.value()
              + ", "
              + poolProjection.value()
              + ")";
    }

    @Override
    public Problem check(String node) {
      String kind = naive() ? "NaiveInception" : "Inception";
      return first(
          width("conv1x1", kind, node, conv1x1),
          width("reduce3x3", kind, node, reduce3x3),
          width("conv3x3", kind, node, conv3x3),
          width("reduce5x5", kind, node, reduce5x5),
          width("conv5x5", kind, node, conv5x5),
          width("poolProjection", kind, node, poolProjection));
    }

    @Override
    public void expand(BlockExpander x, String input, Shape in) {
      x.inception(this, input);
    }
  }

  /** The PyTorch lecture's InceptionA. */
  record InceptionA(
      Value conv1x1,
      Value reduce5x5,
      Value conv5x5,
      Value reduce3x3,
      Value conv3x3,
      Value poolProjection,
      Location at)
      implements BlockSpec {
    @Override
    public String title() {
      return "InceptionA("
          + conv1x1.value()
          + ", "
          + reduce5x5.value()
          + ", "
          + conv5x5.value()
          + ", "
          + reduce3x3.value()
          + ", "
          + conv3x3.value()
          + ", "
          + poolProjection.value()
          + ")";
    }

    @Override
    public Problem check(String node) {
      return first(
          width("conv1x1", "InceptionA", node, conv1x1),
          width("reduce5x5", "InceptionA", node, reduce5x5),
          width("conv5x5", "InceptionA", node, conv5x5),
          width("reduce3x3", "InceptionA", node, reduce3x3),
          width("conv3x3", "InceptionA", node, conv3x3),
          width("poolProjection", "InceptionA", node, poolProjection));
    }

    @Override
    public void expand(BlockExpander x, String input, Shape in) {
      x.inceptionA(this, input);
    }
  }

  /** A residual module. */
  record Residual(
      Value filters,
      Value stride,
      Projection projection,
      Location projectionAt,
      ResidualVariant variant,
      Location variantAt,
      Value expansion,
      boolean batchNorm,
      Location at)
      implements BlockSpec {
    @Override
    public String title() {
      String kind =
          switch (variant) {
            case BASIC -> "";
            case BOTTLENECK -> ", bottleneck x" + expansion.value();
            case PRE_ACTIVATION -> ", pre_activation";
          };
      return "Residual("
          + filters.value()
          + (stride.value() == 1 ? "" : ", stride " + stride.value())
          + kind
          + (batchNorm && variant != ResidualVariant.PRE_ACTIVATION ? ", batch norm" : "")
          + ")";
    }

    @Override
    public Problem check(String node) {
      return first(
          width("filters", "Residual", node, filters),
          width("stride", "Residual", node, stride),
          width("expansion", "Residual", node, expansion));
    }

    @Override
    public void expand(BlockExpander x, String input, Shape in) throws Failure {
      x.residual(this, input, in);
    }
  }

  /** An interface annotated {@code @Block}: its nodes, in order; the last is its output. */
  record User(String type, List<NodeSpec> nodes, Location at) implements BlockSpec {
    @Override
    public String title() {
      return type;
    }

    @Override
    public Problem check(String node) {
      return null; // its nodes are checked once, where the block is declared
    }

    @Override
    public void expand(BlockExpander x, String input, Shape in) {
      x.user(this, input);
    }
  }

  /** A width or count of {@code block} that must be positive; null means the block has none. */
  private static Problem width(String what, String block, String node, Value v) {
    return v == null || v.value() > 0
        ? null
        : Problem.error(Messages.blockWidth(what, block, node, v.value()), v.at());
  }

  private static Problem first(Problem... problems) {
    for (Problem p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }
}
