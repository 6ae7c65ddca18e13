package dev.netwright.processor.graph;

import dev.netwright.dsl.Init;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.processor.graph.NetworkSpec.NodeSpec;
import dev.netwright.processor.graph.NetworkSpec.Ref;
import dev.netwright.processor.layer.AddLayer;
import dev.netwright.processor.layer.BatchNormLayer;
import dev.netwright.processor.layer.ConcatLayer;
import dev.netwright.processor.layer.ConvLayer;
import dev.netwright.processor.layer.Layer;
import dev.netwright.processor.layer.PoolLayer;
import dev.netwright.processor.layer.ReluLayer;
import dev.netwright.processor.layer.WindowPadding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a block into plain nodes named under the block's path ("mix1.branch1x1"). Its output node
 * is referred to by the name of the node that uses the block, which is the path itself except for a
 * block used as the last node of another block: that one expands under its own path
 * ("blk.res3.conv1") while its output answers to the outer block's name ("blk"), so nothing inside
 * it can take the name of a node beside it. Names follow the PyTorch modules the blocks come from,
 * so parameter names match their {@code state_dict}.
 */
final class BlockExpander {
  /**
   * One expanded node, the path under which it is itself expanded (when it is a block) and its
   * parameters are named, and the path of the innermost block it belongs to.
   */
  record Unit(NodeSpec spec, String path, String block) {}

  private final String path;
  private final String outputName;
  private final Location at;
  private final List<Unit> units = new ArrayList<>();

  /** Whether convolutions made now carry a bias (not before batch norm). */
  private boolean bias = true;

  private BlockExpander(String path, String outputName, Location at) {
    this.path = path;
    this.outputName = outputName;
    this.at = at;
  }

  /**
   * The units of {@code block} expanded under {@code path}, its output node called {@code
   * outputName}, reading {@code input} of shape {@code in}; built-in blocks need the shape to
   * choose their shortcut.
   */
  static List<Unit> expand(String path, String outputName, BlockSpec block, String input, Shape in)
      throws Failure {
    BlockExpander x = new BlockExpander(path, outputName, block.at());
    block.expand(x, input, in);
    return x.units;
  }

  void vgg(BlockSpec.Vgg v, String input) {
    String previous = input;
    for (int i = 1; i <= v.convs().value(); i++) {
      previous = unit("conv" + i, List.of(previous), conv(v.filters(), 3, 1, same()), relu());
    }
    output(List.of(previous), pool(true, 2, 2, valid(), true));
  }

  void inception(BlockSpec.Inception i, String input) {
    List<String> branches = new ArrayList<>();
    branches.add(unit("conv1x1", List.of(input), conv(i.conv1x1(), 1, 1, same()), relu()));
    if (i.naive()) {
      branches.add(unit("conv3x3", List.of(input), conv(i.conv3x3(), 3, 1, same()), relu()));
      branches.add(unit("conv5x5", List.of(input), conv(i.conv5x5(), 5, 1, same()), relu()));
      branches.add(unit("pool", List.of(input), pool(true, 3, 1, same(), false)));
    } else {
      String r3 = unit("reduce3x3", List.of(input), conv(i.reduce3x3(), 1, 1, same()), relu());
      branches.add(unit("conv3x3", List.of(r3), conv(i.conv3x3(), 3, 1, same()), relu()));
      String r5 = unit("reduce5x5", List.of(input), conv(i.reduce5x5(), 1, 1, same()), relu());
      branches.add(unit("conv5x5", List.of(r5), conv(i.conv5x5(), 5, 1, same()), relu()));
      branches.add(
          unit(
              "poolProjection",
              List.of(input),
              pool(true, 3, 1, same(), false),
              conv(i.poolProjection(), 1, 1, same()),
              relu()));
    }
    output(branches, new ConcatLayer(at));
  }

  void inceptionA(BlockSpec.InceptionA a, String input) {
    String b1 = unit("branch1x1", List.of(input), conv(a.conv1x1(), 1, 1, valid()));
    String b5 = unit("branch5x5_1", List.of(input), conv(a.reduce5x5(), 1, 1, valid()));
    b5 = unit("branch5x5_2", List.of(b5), conv(a.conv5x5(), 5, 1, explicit(2)));
    String b3 = unit("branch3x3_1", List.of(input), conv(a.reduce3x3(), 1, 1, valid()));
    b3 = unit("branch3x3_2", List.of(b3), conv(a.conv3x3(), 3, 1, explicit(1)));
    b3 = unit("branch3x3_3", List.of(b3), conv(a.conv3x3(), 3, 1, explicit(1)));
    String bp =
        unit(
            "branch_pool",
            List.of(input),
            new PoolLayer(false, implied(3), implied(1), explicit(1), false, true, at),
            conv(a.poolProjection(), 1, 1, valid()));
    output(List.of(b1, b5, b3, bp), new ConcatLayer(at));
  }

  void residual(BlockSpec.Residual r, String input, Shape in) throws Failure {
    boolean pre = r.variant() == ResidualVariant.PRE_ACTIVATION;
    boolean bn = r.batchNorm() || pre;
    boolean bottleneck = r.variant() == ResidualVariant.BOTTLENECK;
    Value out =
        bottleneck
            ? Value.implied(r.filters().value() * r.expansion().value(), r.filters().at())
            : r.filters();
    boolean differs = in.channels() != out.value() || r.stride().value() != 1;
    boolean project =
        switch (r.projection()) {
          case ALWAYS -> true;
          case AUTO -> differs;
          case NEVER -> false;
        };
    if (differs && !project) {
      throw new Failure(
          Messages.residualShape(path, in, out.value(), r.stride().value()), r.projectionAt());
    }
    bias = !bn;
    String body = input;
    String shortcutInput = input;
    if (pre) {
      // He et al. 2016: BN and ReLU before each convolution, nothing after the sum; a
      // projection reads the pre-activated input.
      body = unit("bn1", List.of(input), batchNorm(), relu());
      shortcutInput = project ? body : input;
      body = unit("conv1", List.of(body), convFloor(r.filters(), 3, r.stride(), explicit(1)));
      body = unit("bn2", List.of(body), batchNorm(), relu());
      body = unit("conv2", List.of(body), conv(r.filters(), 3, 1, explicit(1)));
    } else if (bottleneck) {
      body = convUnit(1, List.of(input), conv(r.filters(), 1, 1, valid()), bn, true);
      body =
          convUnit(2, List.of(body), convFloor(r.filters(), 3, r.stride(), explicit(1)), bn, true);
      body = convUnit(3, List.of(body), conv(out, 1, 1, valid()), bn, false);
    } else {
      body =
          convUnit(1, List.of(input), convFloor(r.filters(), 3, r.stride(), explicit(1)), bn, true);
      body = convUnit(2, List.of(body), conv(r.filters(), 3, 1, explicit(1)), bn, false);
    }
    String shortcut = input;
    if (project) {
      shortcut = unit("shortcut", List.of(shortcutInput), convFloor(out, 1, r.stride(), valid()));
      if (bn && !pre) {
        shortcut = unit("shortcut_bn", List.of(shortcut), batchNorm());
      }
    }
    bias = true;
    if (pre) {
      output(List.of(body, shortcut), new AddLayer(at));
    } else {
      output(List.of(body, shortcut), new AddLayer(at), relu());
    }
  }

  /**
   * {@code conv<i>}, followed by ReLU when {@code relu}; with batch norm, the norm (and ReLU) go
   * into a unit {@code bn<i>} of their own, so names follow torchvision's.
   */
  private String convUnit(int i, List<String> inputs, Layer conv, boolean bn, boolean relu) {
    if (!bn) {
      return relu ? unit("conv" + i, inputs, conv, relu()) : unit("conv" + i, inputs, conv);
    }
    String c = unit("conv" + i, inputs, conv);
    return relu
        ? unit("bn" + i, List.of(c), batchNorm(), relu())
        : unit("bn" + i, List.of(c), batchNorm());
  }

  private Layer batchNorm() {
    return BatchNormLayer.standard(at);
  }

  void user(BlockSpec.User u, String input) {
    Map<String, String> renamed = new HashMap<>();
    renamed.put(NetworkSpec.INPUT, input);
    String previous = input;
    for (int i = 0; i < u.nodes().size(); i++) {
      NodeSpec node = u.nodes().get(i);
      boolean last = i == u.nodes().size() - 1;
      String own = path + "." + node.name();
      String name = last ? outputName : own;
      List<Ref> refs = new ArrayList<>();
      if (node.inputs().isEmpty()) {
        refs.add(new Ref(previous, node.at()));
      }
      for (Ref ref : node.inputs()) {
        refs.add(new Ref(renamed.getOrDefault(ref.name(), ref.name()), ref.at()));
      }
      units.add(
          new Unit(new NodeSpec(name, node.at(), refs, node.layers(), node.block()), own, path));
      renamed.put(node.name(), name);
      previous = name;
    }
  }

  private String unit(String name, List<String> inputs, Layer... layers) {
    String full = path + "." + name;
    units.add(new Unit(new NodeSpec(full, at, refs(inputs), List.of(layers)), full, path));
    return full;
  }

  /** A built-in block's output: a merge or pooling, with no parameters to name. */
  private void output(List<String> inputs, Layer... layers) {
    units.add(new Unit(new NodeSpec(outputName, at, refs(inputs), List.of(layers)), path, path));
  }

  private List<Ref> refs(List<String> names) {
    return names.stream().map(n -> new Ref(n, at)).toList();
  }

  private Value implied(int v) {
    return Value.implied(v, at);
  }

  private WindowPadding same() {
    return new WindowPadding(WindowPadding.Mode.SAME, implied(0));
  }

  private WindowPadding valid() {
    return new WindowPadding(WindowPadding.Mode.VALID, implied(0));
  }

  private WindowPadding explicit(int pad) {
    return new WindowPadding(WindowPadding.Mode.EXPLICIT, implied(pad));
  }

  private Layer conv(Value filters, int k, int s, WindowPadding p) {
    return new ConvLayer(filters, implied(k), implied(s), p, bias, false, Init.DEFAULT, at);
  }

  /** A strided convolution rounds down as torchvision's ResNet does. */
  private Layer convFloor(Value filters, int k, Value stride, WindowPadding p) {
    return new ConvLayer(filters, implied(k), stride, p, bias, true, Init.DEFAULT, at);
  }

  private Layer pool(boolean max, int k, int s, WindowPadding p, boolean floor) {
    return new PoolLayer(max, implied(k), implied(s), p, floor, false, at);
  }

  private Layer relu() {
    return new ReluLayer(at);
  }
}
