package dev.netwright.processor.graph;

/**
 * Every message the processor prints, in one place. Wording: the rule, then the facts, then the
 * fix. Tags are stable.
 */
public final class Messages {
  private Messages() {}

  public static Message notAnInterface(String annotation, Object kind) {
    String k = kind.toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    String article = "aeiou".indexOf(k.charAt(0)) >= 0 ? "an " : "a ";
    return new Message(
        "not-an-interface",
        annotation
            + " belongs on an interface, but this is "
            + article
            + k
            + ". Declare it as"
            + " 'interface Name { @Conv(...) Node conv1(); ... }'.");
  }

  public static Message genericNetwork(String what, String name) {
    return new Message(
        "generic-network",
        what
            + " '"
            + name
            + "' has type parameters; its shapes are fixed. Remove the type"
            + " parameters.");
  }

  public static Message tooLarge(String layer, String node, Shape in, String what) {
    return new Message(
        "too-large",
        layer
            + " in '"
            + node
            + "' would make "
            + what
            + " (input "
            + in
            + "), past the 2^31 - 1"
            + " values one example may hold. Use smaller sizes.");
  }

  public static Message inputTooLarge(long size) {
    return new Message(
        "too-large",
        "the input holds "
            + size
            + " values per example, past the 2^31 - 1 one example may hold."
            + " Use a smaller input.");
  }

  public static Message nameClash(String model) {
    return new Message(
        "name-clash",
        "the generated class "
            + model
            + " would replace a type of that name that already exists."
            + " Rename the interface, or the other type.");
  }

  public static Message noNodes(String name) {
    return new Message(
        "no-nodes",
        "network '"
            + name
            + "' declares no nodes. Add abstract methods returning Node, e.g."
            + " '@Conv(filters = 8, kernel = 3) Node conv1();'.");
  }

  public static Message notANode(String method, String why) {
    return new Message(
        "not-a-node",
        "method '"
            + method
            + "' is not a node: "
            + why
            + ". Every method of a network is a node:"
            + " abstract, not generic, returning dev.netwright.dsl.Node, with parameters of type"
            + " Node naming its inputs.");
  }

  public static Message reservedName(String name) {
    return new Message(
        "reserved-name",
        "a node may not be called '"
            + name
            + "': a parameter named '"
            + name
            + "' means the"
            + " network input. Rename the node.");
  }

  public static Message noLayer(String node) {
    return new Message(
        "no-layer",
        "node '"
            + node
            + "' has no layer annotation. Add one, e.g. @Conv, @MaxPool, @AvgPool,"
            + " @Relu, @Flatten or @Dense.");
  }

  public static Message unknownInput(String node, String ref, String earlier) {
    String hint =
        ref.matches("arg\\d+")
            ? " If this node is in a @Block read from a class file, that file was compiled without"
                + " -parameters, so javac sees 'arg0', 'arg1'... for the parameter names: compile the"
                + " block with -parameters (maven-compiler-plugin: <parameters>true</parameters>)."
            : "";
    return new Message(
        "unknown-input",
        "node '"
            + node
            + "' takes input '"
            + ref
            + "', but the network has no node '"
            + ref
            + "'. Name one of the nodes declared before it: "
            + earlier
            + "."
            + hint);
  }

  public static Message laterInput(String node, String ref) {
    return new Message(
        "forward-reference",
        "node '"
            + node
            + "' takes input '"
            + ref
            + "', which is declared after it; a node can only"
            + " consume earlier nodes. Move '"
            + ref
            + "' above '"
            + node
            + "'.");
  }

  public static Message selfInput(String node) {
    return new Message(
        "forward-reference",
        "node '"
            + node
            + "' takes itself as input; a node can only consume earlier nodes. Name an"
            + " earlier node, or 'input' for the network input.");
  }

  public static Message inputCount(String node, String layer, int count) {
    return new Message(
        "input-count",
        "node '"
            + node
            + "' names "
            + count
            + " inputs, but its first layer "
            + layer
            + " takes"
            + " exactly one. Name a single earlier node.");
  }

  public static Message nonPositive(String what, int value, String node, String example) {
    return new Message(
        "non-positive",
        what + " must be positive, but node '" + node + "' has " + value + ". " + example);
  }

  public static Message negativePad(int value, String node) {
    return new Message(
        "non-positive",
        "pad must be zero or more, but node '"
            + node
            + "' has pad = "
            + value
            + ". Write the zeros"
            + " added on each side, e.g. pad = 2 for a 5x5 kernel that keeps the size.");
  }

  public static Message padTooLarge(String layer, String node, int pad, int kernel) {
    return new Message(
        "pad-too-large",
        layer
            + " in '"
            + node
            + "' pads "
            + pad
            + " on each side, more than half its "
            + kernel
            + "x"
            + kernel
            + " window, so some windows would see only padding. Use pad <= "
            + (kernel / 2)
            + ".");
  }

  public static Message paddingConflict(String layer, String node) {
    return new Message(
        "padding-conflict",
        layer
            + " in '"
            + node
            + "' writes both padding = SAME and an explicit pad. Keep one:"
            + " SAME computes the padding itself, pad = n pads n on each side.");
  }

  public static Message windowTooLarge(
      String layer, String node, int window, String axis, int padded, Shape input, String padding) {
    return new Message(
        "window-too-large",
        layer
            + " in '"
            + node
            + "' slides a "
            + window
            + "x"
            + window
            + " window over an input of "
            + axis
            + " "
            + padded
            + " ("
            + input
            + ", "
            + padding
            + "), so its output would be"
            + " empty. Use a window of at most "
            + padded
            + ", pad the input, or take this layer"
            + " out.");
  }

  public static Message inexact(
      String layer,
      String node,
      String axis,
      int padded,
      int window,
      int stride,
      int leftover,
      Shape input,
      String padding) {
    return new Message(
        "inexact-output",
        layer
            + " in '"
            + node
            + "' does not tile its input: "
            + axis
            + " "
            + padded
            + " ("
            + input
            + ", "
            + padding
            + ") with window "
            + window
            + " and stride "
            + stride
            + " gives ("
            + padded
            + " - "
            + window
            + ") / "
            + stride
            + " + 1 = "
            + String.format("%.2f", (padded - window) / (double) stride + 1)
            + ", leaving "
            + leftover
            + " row(s) unused. Use padding = SAME, change the stride or window, or write"
            + " rounding = Rounding.FLOOR to drop them as PyTorch does.");
  }

  public static Message needsSpatial(String layer, String node, String from, Shape shape) {
    return new Message(
        "needs-spatial",
        layer
            + " in '"
            + node
            + "' needs a [C, H, W] input, but "
            + from
            + " gives the flat "
            + shape
            + ". Move it before the flatten or dense layer.");
  }

  public static Message denseInput(String node, int declared, String from, Shape shape) {
    return new Message(
        "dense-input",
        "dense layer in '"
            + node
            + "' declares inFeatures = "
            + declared
            + ", but "
            + from
            + " gives "
            + shape
            + " = "
            + shape.size()
            + " features. Write inFeatures = "
            + shape.size()
            + ", or leave it out to take it from the input.");
  }

  public static Message headNeedsFlat(String node, Shape shape) {
    return new Message(
        "head",
        "softmax cross-entropy scores the last node '"
            + node
            + "', which gives "
            + shape
            + ", not"
            + " one score per class. End the network with a dense layer, e.g. @Dense(10), or use"
            + " head = Head.NONE.");
  }

  public static Message classesMismatch(int classes, String node, Shape shape) {
    return new Message(
        "classes",
        "the network declares classes = "
            + classes
            + ", but its last node '"
            + node
            + "' gives "
            + shape
            + ". Make the last layer produce "
            + classes
            + " outputs, or write classes = "
            + shape.size()
            + ".");
  }

  public static Message unused(String node) {
    return new Message(
        "unused-node",
        "node '"
            + node
            + "' is computed but nothing consumes it and it is not the network's"
            + " output. Name it as an input of a later node, or remove it.");
  }

  public static Message duplicateNode(String node) {
    return new Message(
        "duplicate-node",
        "two nodes are called '"
            + node
            + "'; node names must be unique (overloads are not"
            + " allowed). Rename one of them.");
  }

  public static Message nonPositiveInput(String what, int value) {
    return new Message(
        "non-positive",
        "the input's "
            + what
            + " must be positive, but it is "
            + value
            + ". Write the size of one"
            + " example, e.g. @Input(channels = 1, height = 28, width = 28).");
  }

  public static Message nonPositiveClasses(int value) {
    return new Message(
        "non-positive",
        "classes must be positive, but it is "
            + value
            + ". Write the number of classes, or leave"
            + " it out to take it from the last node.");
  }

  public static Message residualShape(String node, Shape in, int out, int stride) {
    String why =
        in.channels() != out
            ? "channel counts differ"
            : "the stride of " + stride + " shrinks the body's output";
    return new Message(
        "residual-shape",
        "residual '"
            + node
            + "' adds its input "
            + in
            + " to its body's output of "
            + out
            + " channels"
            + (stride == 1 ? "" : " at stride " + stride)
            + ": "
            + why
            + ", and"
            + " projection = NEVER forbids a 1x1 projection. Use projection = AUTO"
            + (in.channels() != out && stride == 1 ? " or filters = " + in.channels() : "")
            + ".");
  }

  public static Message concatShape(String node, String first, Shape a, String other, Shape b) {
    return new Message(
        "concat-shape",
        "concat '"
            + node
            + "' joins '"
            + first
            + "' "
            + a
            + " and '"
            + other
            + "' "
            + b
            + ", whose"
            + " height x width differ ("
            + a.height()
            + "x"
            + a.width()
            + " vs "
            + b.height()
            + "x"
            + b.width()
            + "); only channel counts may differ. Pad or pool the branches to the same"
            + " size, e.g. padding = SAME with stride 1.");
  }

  public static Message concatFlat(String node, String input, Shape shape) {
    return new Message(
        "concat-shape",
        "concat '"
            + node
            + "' joins feature maps on channels, but '"
            + input
            + "' gives the flat "
            + shape
            + ". Concatenate before flattening.");
  }

  public static Message addShape(String node, String first, Shape a, String other, Shape b) {
    return new Message(
        "add-shape",
        "add '"
            + node
            + "' sums '"
            + first
            + "' "
            + a
            + " and '"
            + other
            + "' "
            + b
            + ", whose"
            + " shapes differ. Make them agree, e.g. with a 1x1 convolution of "
            + a.channels()
            + " filters on '"
            + other
            + "', or use @Residual, which projects by itself.");
  }

  public static Message mergeInputs(String node, String layer, int count) {
    return new Message(
        "input-count",
        "node '"
            + node
            + "' starts with "
            + layer
            + ", which needs two or more inputs, but it names "
            + count
            + ". Name the nodes to "
            + layer
            + " as the method's parameters, e.g."
            + " 'Node "
            + node
            + "(Node a, Node b)'.");
  }

  public static Message mergeNotFirst(String node, String layer) {
    return new Message(
        "merge-position",
        layer
            + " in '"
            + node
            + "' must be the node's first layer: it merges the node's inputs."
            + " Move it before the other layer annotations.");
  }

  public static Message blockWidth(String what, String block, String node, int value) {
    return new Message(
        "non-positive",
        what
            + " of "
            + block
            + " '"
            + node
            + "' must be positive, but it is "
            + value
            + ". Write the number of filters of that branch or layer.");
  }

  public static Message blockCycle(String cycle) {
    return new Message(
        "block-cycle",
        "block "
            + cycle
            + " uses itself, so it would never end. Remove the node that closes the"
            + " cycle.");
  }

  public static Message notABlock(String method, String type) {
    return new Message(
        "not-a-node",
        "method '"
            + method
            + "' returns "
            + type
            + ", which is neither Node nor an interface"
            + " annotated @Block. Return Node, or annotate "
            + type
            + " with @Block to use it as a"
            + " block.");
  }

  public static Message blockWithLayers(String node, String type) {
    return new Message(
        "block-with-layers",
        "node '"
            + node
            + "' is the block "
            + type
            + " and also carries layer annotations; a block"
            + " node is the block alone. Put the layers on a node of their own.");
  }

  public static Message twoBlocks(String node) {
    return new Message(
        "block-with-layers",
        "node '"
            + node
            + "' carries two block annotations; a node is one block. Split it into two"
            + " nodes.");
  }

  public static Message binaryHead(String node, Shape shape) {
    return new Message(
        "head",
        "sigmoid binary cross-entropy scores one probability per example, but the last node '"
            + node
            + "' gives "
            + shape
            + ". End the network with @Dense(1), or use head ="
            + " Head.SOFTMAX_CROSS_ENTROPY for "
            + shape.size()
            + " classes.");
  }

  public static Message binaryClasses(int classes) {
    return new Message(
        "classes",
        "a sigmoid binary cross-entropy head tells two classes apart, but the network declares"
            + " classes = "
            + classes
            + ". Write classes = 2 or leave it out, or use head ="
            + " Head.SOFTMAX_CROSS_ENTROPY.");
  }

  public static Message softmaxNeedsFlat(String node, String from, Shape shape) {
    return new Message(
        "needs-flat",
        "softmax in '"
            + node
            + "' normalises the features of a flat output, but "
            + from
            + " gives "
            + shape
            + ". Flatten first, or end with a dense layer and let the softmax head apply it.");
  }

  public static Message lrnOnFlat(String node, String from, Shape shape) {
    return new Message(
        "needs-spatial",
        "LRN in '"
            + node
            + "' normalises across the channels of a feature map, but "
            + from
            + " gives the flat "
            + shape
            + " of a dense layer, where neighbouring units are not"
            + " channels. Put it after a convolution.");
  }

  public static Message outOfRange(
      String what, String node, double value, String range, String hint) {
    return new Message(
        "out-of-range",
        what + " in '" + node + "' must be " + range + ", but it is " + value + ". " + hint);
  }

  public static Message groupNormGroups(String node, long channels, int groups) {
    return new Message(
        "groups",
        "group norm in '"
            + node
            + "' splits its "
            + channels
            + " channels into "
            + groups
            + " groups, but "
            + channels
            + " is not divisible by "
            + groups
            + ". Use "
            + groupsDividing(channels, "" + channels)
            + ".");
  }

  public static Message convGroups(String node, long channels, int filters, int groups) {
    long common =
        java.math.BigInteger.valueOf(channels)
            .gcd(java.math.BigInteger.valueOf(filters))
            .longValue();
    return new Message(
        "groups",
        "convolution in '"
            + node
            + "' splits its "
            + channels
            + " input channels into "
            + groups
            + " groups,"
            + " but "
            + channels
            + " is not divisible by "
            + groups
            + ". Use "
            + groupsDividing(
                common, "both the " + channels + " input channels and the " + filters + " filters")
            + ".");
  }

  public static Message convFilterGroups(String node, int filters, int groups) {
    long below = (long) filters / groups * groups;
    long above = below + groups;
    return new Message(
        "groups",
        "convolution in '"
            + node
            + "' splits its "
            + filters
            + " filters into "
            + groups
            + " groups, but "
            + filters
            + " is not divisible by "
            + groups
            + ". Use filters = "
            + (below > 0 ? below + " or " : "")
            + above
            + ", or "
            + groupsDividing(filters, "" + filters)
            + ".");
  }

  /**
   * "groups = 1, 2, 3, 4, 6 or 12, which divide 12" for n = 12; past twelve divisors, "a number of
   * groups that divides ..."; {@code what} is how n is named.
   */
  private static String groupsDividing(long n, String what) {
    java.util.TreeSet<Long> found = new java.util.TreeSet<>();
    for (long d = 1; d * d <= n; d++) { // in pairs: n may be near 2^31
      if (n % d == 0) {
        found.add(d);
        found.add(n / d);
      }
    }
    if (found.size() > 12) {
      return "a number of groups that divides " + what;
    }
    if (found.size() == 1) {
      return "groups = 1, which divides " + what;
    }
    java.util.List<String> all = found.stream().map(String::valueOf).toList();
    return "groups = "
        + String.join(", ", all.subList(0, all.size() - 1))
        + " or "
        + all.get(all.size() - 1)
        + ", which divide "
        + what;
  }

  public static Message internal(String what) {
    return new Message(
        "internal",
        "the Netwright processor failed on this network: "
            + what
            + ". This is a bug in"
            + " Netwright; please report it with this interface.");
  }
}
