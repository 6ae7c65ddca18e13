package dev.netwright.processor.layer;

import com.palantir.javapoet.CodeBlock;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Init;
import dev.netwright.dsl.Padding;
import dev.netwright.dsl.Rounding;
import dev.netwright.processor.graph.Failure;
import dev.netwright.processor.graph.Geometry;
import dev.netwright.processor.graph.Location;
import dev.netwright.processor.graph.Messages;
import dev.netwright.processor.graph.Problem;
import dev.netwright.processor.graph.ResolvedLayer;
import dev.netwright.processor.graph.Shape;
import dev.netwright.processor.graph.Value;
import dev.netwright.processor.source.Attribute;
import dev.netwright.processor.source.Attributes;
import java.util.List;

/**
 * {@code @Conv}: PyTorch's Conv2d, weights [filters, in / groups, kernel, kernel].
 *
 * @param floor whether windows that do not tile the input are dropped (rounding = FLOOR)
 * @param init the weights' initialiser; DEFAULT is the network's
 * @param groups how many groups input channels and filters are split into; 1 for most
 */
public record ConvLayer(
    Value filters,
    Value kernel,
    Value stride,
    WindowPadding padding,
    boolean bias,
    boolean floor,
    Init init,
    Value groups,
    Location at)
    implements Layer {
  private static final Attribute<Integer> FILTERS = Attribute.of(Conv.class, "filters", int.class);
  private static final Attribute<Integer> KERNEL = Attribute.of(Conv.class, "kernel", int.class);
  private static final Attribute<Integer> STRIDE = Attribute.of(Conv.class, "stride", int.class);
  private static final Attribute<Padding> PADDING =
      Attribute.of(Conv.class, "padding", Padding.class);
  private static final Attribute<Integer> PAD = Attribute.of(Conv.class, "pad", int.class);
  private static final Attribute<Boolean> BIAS = Attribute.of(Conv.class, "bias", boolean.class);
  private static final Attribute<Rounding> ROUNDING =
      Attribute.of(Conv.class, "rounding", Rounding.class);
  private static final Attribute<Init> INIT = Attribute.of(Conv.class, "init", Init.class);
  private static final Attribute<Integer> GROUPS = Attribute.of(Conv.class, "groups", int.class);

  /** An ungrouped convolution, as the built-in blocks make them. */
  public ConvLayer(
      Value filters,
      Value kernel,
      Value stride,
      WindowPadding padding,
      boolean bias,
      boolean floor,
      Init init,
      Location at) {
    this(filters, kernel, stride, padding, bias, floor, init, Value.implied(1, at), at);
  }

  static ConvLayer parse(Attributes a) {
    return new ConvLayer(
        a.intValue(FILTERS),
        a.intValue(KERNEL),
        a.intValue(STRIDE),
        WindowPadding.parse(a.enumValue(PADDING), a.intValue(PAD)),
        a.booleanValue(BIAS),
        Windows.floor(a.enumValue(ROUNDING)),
        a.enumValue(INIT),
        a.intValue(GROUPS),
        a.location());
  }

  @Override
  public String label() {
    return "conv";
  }

  @Override
  public String kindName() {
    return "conv";
  }

  @Override
  public Problem check(String node) {
    return Checks.first(
        Checks.positive(
            filters, "filters", node, "Write the number of output channels, e.g. filters = 16."),
        Checks.positive(kernel, "kernel", node, "Write the window size, e.g. kernel = 3."),
        Checks.positive(stride, "stride", node, "Write the step between windows, e.g. stride = 1."),
        Checks.positive(
            groups,
            "groups",
            node,
            "Write how many groups channels are split into, e.g. groups = 1 for an ordinary convolution."),
        Checks.padding(padding, "convolution", node, 0),
        filters.value() <= 0 || groups.value() <= 0 || filters.value() % groups.value() == 0
            ? null
            : Problem.error(
                Messages.convFilterGroups(node, filters.value(), groups.value()), groups.at()));
  }

  @Override
  public ResolvedLayer resolve(LayerInput input) throws Failure {
    Checks.requireSpatial(this, input);
    Shape in = input.shape();
    if (in.channels() % groups.value() != 0) {
      throw new Failure(
          Messages.convGroups(input.node(), in.channels(), filters.value(), groups.value()),
          groups.at());
    }
    Geometry g = Windows.resolve("convolution", input.node(), in, kernel, stride, padding, floor);
    Shape out = Windows.out(filters.value(), in, g);
    long weights =
        (long) filters.value() * (in.channels() / groups.value()) * g.kernel() * g.kernel();
    long params = weights + (bias ? filters.value() : 0);
    return new ResolvedLayer(this, in, out, g, params, weights * out.height() * out.width());
  }

  @Override
  public String describe(ResolvedLayer r) {
    return "Conv2d "
        + r.in().channels()
        + "->"
        + r.out().channels()
        + " "
        + Windows.describe(r.geometry(), padding)
        + (groups.value() == 1 ? "" : " groups " + groups.value())
        + (bias ? "" : " no bias");
  }

  @Override
  public List<Parameter> parameters(ResolvedLayer r, Init network) {
    long k = r.geometry().kernel();
    long in = r.in().channels() / groups.value();
    // PyTorch's fans: fan_in from the weight's second dimension, fan_out from its first.
    int fanIn = (int) (in * k * k);
    int fanOut = (int) (r.out().channels() * k * k);
    long[] weight = {r.out().channels(), in, k, k};
    return Parameter.weightAndBias(weight, fanIn, fanOut, bias, init, network);
  }

  @Override
  public boolean primary() {
    return true;
  }

  @Override
  public String kernelClass() {
    return "Conv2d";
  }

  @Override
  public KernelCall newKernel(Wiring w) {
    return groups.value() == 1
        ? KernelCall.of(w.out(), w.in(), w.value("weight"), w.value("bias"), w.window())
        : KernelCall.of(
            w.out(),
            w.in(),
            w.value("weight"),
            w.value("bias"),
            w.window(),
            CodeBlock.of("$L", groups.value()));
  }

  @Override
  public List<CodeBlock> gradients(Wiring w) {
    return List.of(
        w.inGradients().get(0), w.gradient("weight"), w.gradient("bias"), w.outGradient());
  }

  @Override
  public boolean outputOverwritableBy(Layer next) {
    return true;
  }

  @Override
  public void onnx(ResolvedLayer r, OnnxScope onnx) {
    Geometry g = r.geometry();
    OnnxNode conv = onnx.add("Conv").in(onnx.input(), onnx.parameter("weight"));
    if (bias) {
      conv.in(onnx.parameter("bias"));
    }
    // pads run [top, left, bottom, right]: TensorFlow's SAME puts its odd pixel at bottom and
    // right.
    conv.out(onnx.output())
        .ints("kernel_shape", g.kernel(), g.kernel())
        .ints("strides", g.stride(), g.stride())
        .ints("pads", g.padTop(), g.padLeft(), g.padBottom(), g.padRight());
    if (groups.value() > 1) {
      conv.integer(
          "group",
          groups.value()); // weights [filters, in / groups, k, k], as ONNX's Conv takes them
    }
  }
}
