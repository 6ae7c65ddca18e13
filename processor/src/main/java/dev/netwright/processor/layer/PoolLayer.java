package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.AvgPool;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Rounding;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Geometry;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/**
 * {@code @MaxPool} and {@code @AvgPool}: pooling over a window.
 *
 * @param countPadding whether an average counts the padding (PyTorch's count_include_pad)
 */
public record PoolLayer(
    boolean max,
    Value size,
    Value stride,
    WindowPadding padding,
    boolean floor,
    boolean countPadding,
    Location at)
    implements Layer {
  private static final Attribute<Integer> MAX_SIZE =
      Attribute.of(MaxPool.class, "value", int.class);
  private static final Attribute<Integer> MAX_STRIDE =
      Attribute.of(MaxPool.class, "stride", int.class);
  private static final Attribute<Padding> MAX_PADDING =
      Attribute.of(MaxPool.class, "padding", Padding.class);
  private static final Attribute<Integer> MAX_PAD = Attribute.of(MaxPool.class, "pad", int.class);
  private static final Attribute<Rounding> MAX_ROUNDING =
      Attribute.of(MaxPool.class, "rounding", Rounding.class);
  private static final Attribute<Integer> AVG_SIZE =
      Attribute.of(AvgPool.class, "value", int.class);
  private static final Attribute<Integer> AVG_STRIDE =
      Attribute.of(AvgPool.class, "stride", int.class);
  private static final Attribute<Padding> AVG_PADDING =
      Attribute.of(AvgPool.class, "padding", Padding.class);
  private static final Attribute<Integer> AVG_PAD = Attribute.of(AvgPool.class, "pad", int.class);
  private static final Attribute<Rounding> AVG_ROUNDING =
      Attribute.of(AvgPool.class, "rounding", Rounding.class);
  private static final Attribute<Boolean> COUNT_PADDING =
      Attribute.of(AvgPool.class, "countPadding", boolean.class);

  static PoolLayer max(Attributes a) {
    Value size = a.intValue(MAX_SIZE);
    return new PoolLayer(
        true,
        size,
        stride(a, MAX_STRIDE, size),
        WindowPadding.parse(a.enumValue(MAX_PADDING), a.intValue(MAX_PAD)),
        Windows.floor(a.enumValue(MAX_ROUNDING)),
        false,
        a.location());
  }

  static PoolLayer avg(Attributes a) {
    Value size = a.intValue(AVG_SIZE);
    return new PoolLayer(
        false,
        size,
        stride(a, AVG_STRIDE, size),
        WindowPadding.parse(a.enumValue(AVG_PADDING), a.intValue(AVG_PAD)),
        Windows.floor(a.enumValue(AVG_ROUNDING)),
        a.booleanValue(COUNT_PADDING),
        a.location());
  }

  /** The stride as written, or the window size where it is left out. */
  private static Value stride(Attributes a, Attribute<Integer> stride, Value size) {
    return a.isWritten(stride) ? a.intValue(stride) : Value.implied(size.value(), size.at());
  }

  @Override
  public String label() {
    return max ? "max pooling" : "average pooling";
  }

  @Override
  public String kindName() {
    return max ? "maxPool" : "avgPool";
  }

  @Override
  public Problem check(String node) {
    return Checks.first(
        Checks.positive(size, "pool size", node, "Write the window size, e.g. @MaxPool(2)."),
        Checks.positive(
            stride,
            "stride",
            node,
            "Write the step between windows, or leave it out to use the window size."),
        Checks.padding(padding, label(), node, size.value()));
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    Checks.requireSpatial(this, input);
    Geometry g =
        Windows.resolve(label(), input.node(), input.shape(), size, stride, padding, floor);
    return new ResolvedLayer(
        this, input.shape(), Windows.out(input.shape().channels(), input.shape(), g), g, 0, 0);
  }

  @Override
  public String describe(ResolvedLayer r) {
    return (max ? "MaxPool " : "AvgPool ")
        + Windows.describe(r.geometry(), padding)
        + (!max && padding.mode() == WindowPadding.Mode.EXPLICIT && !countPadding
            ? " excl. pad"
            : "");
  }

  @Override
  public String kernelClass() {
    return "Pool2d";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    if (max) {
      return KernelCall.factory("max", w.out(), w.in(), w.window());
    }
    boolean counts = countPadding && padding.mode() == WindowPadding.Mode.EXPLICIT;
    return KernelCall.factory("avg", w.out(), w.in(), w.window(), CodeBlock.of("$L", counts));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(w.inGradients().get(0), w.outGradient());
  }

  @Override
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    Geometry g = r.geometry();
    OnnxNode pool =
        onnx.add(max ? "MaxPool" : "AveragePool")
            .in(onnx.input())
            .out(onnx.output())
            .ints("kernel_shape", g.kernel(), g.kernel())
            .ints("strides", g.stride(), g.stride())
            .ints("pads", g.padTop(), g.padLeft(), g.padBottom(), g.padRight())
            // Windows that do not tile the input are dropped (FLOOR) or refused (EXACT): never
            // ceil.
            .integer("ceil_mode", 0);
    if (!max) {
      // The kernel counts padding only where it was written explicitly; SAME padding never counts.
      pool.integer(
          "count_include_pad",
          countPadding && padding.mode() == WindowPadding.Mode.EXPLICIT ? 1 : 0);
    }
  }
}
