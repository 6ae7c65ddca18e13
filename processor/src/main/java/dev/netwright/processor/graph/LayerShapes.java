package dev.netwright.processor.graph;

/** The shape rule of each layer kind: output shape, parameters and multiply-adds. */
final class LayerShapes {
  private LayerShapes() {}

  static ResolvedLayer resolve(Layer layer, String node, Shape in, String from) throws Failure {
    ResolvedLayer resolved = shape(layer, node, in, from);
    if (resolved.out().size() > Integer.MAX_VALUE) {
      throw new Failure(Messages.tooLarge(layer.label(), node, in, "an output of " + resolved.out()
          + " = " + resolved.out().size() + " values"), layer.at());
    }
    if (resolved.parameters() > Integer.MAX_VALUE) {
      throw new Failure(Messages.tooLarge(layer.label(), node, in, resolved.parameters() + " parameters"),
          layer.at());
    }
    return resolved;
  }

  private static ResolvedLayer shape(Layer layer, String node, Shape in, String from) throws Failure {
    if (layer instanceof Layer.Conv c) {
      return conv(c, node, in, from);
    }
    if (layer instanceof Layer.Pool p) {
      return pool(p, node, in, from);
    }
    if (layer instanceof Layer.Dense d) {
      return dense(d, node, in, from);
    }
    if (layer instanceof Layer.BatchNorm b) {
      long c = in.channels();
      return new ResolvedLayer(b, in, in, null, b.affine() ? 2 * c : 0, 0, 2 * c);
    }
    if (layer instanceof Layer.Lrn) {
      if (in.flat()) {
        throw new Failure(Messages.lrnOnFlat(node, from, in), layer.at());
      }
      return new ResolvedLayer(layer, in, in, null, 0, 0);
    }
    if (layer instanceof Layer.GlobalAvgPool) {
      requireSpatial(layer, node, in, from);
      return new ResolvedLayer(layer, in, Shape.flat(in.channels()), null, 0, 0);
    }
    if (layer instanceof Layer.Activation a && a.kind() == Layer.Activation.Kind.SOFTMAX && !in.flat()) {
      throw new Failure(Messages.softmaxNeedsFlat(node, from, in), layer.at());
    }
    if (layer instanceof Layer.Flatten) {
      return new ResolvedLayer(layer, in, Shape.flat(Math.toIntExact(in.size())), null, 0, 0);
    }
    return new ResolvedLayer(layer, in, in, null, 0, 0); // activations and dropout keep the shape
  }

  private static ResolvedLayer conv(Layer.Conv c, String node, Shape in, String from) throws Failure {
    requireSpatial(c, node, in, from);
    Geometry g = Windows.resolve("convolution", node, in, c.kernel(), c.stride(), c.padding(), c.floor());
    int oh = outSize(in.height(), g.padTop() + g.padBottom(), g);
    int ow = outSize(in.width(), g.padLeft() + g.padRight(), g);
    int filters = c.filters().value();
    long weights = (long) filters * in.channels() * g.kernel() * g.kernel();
    long params = weights + (c.bias() ? filters : 0);
    return new ResolvedLayer(c, in, Shape.map(filters, oh, ow), g, params, weights * oh * ow);
  }

  private static ResolvedLayer pool(Layer.Pool p, String node, Shape in, String from) throws Failure {
    requireSpatial(p, node, in, from);
    Geometry g = Windows.resolve(p.label(), node, in, p.size(), p.stride(), p.padding(), p.floor());
    int oh = outSize(in.height(), g.padTop() + g.padBottom(), g);
    int ow = outSize(in.width(), g.padLeft() + g.padRight(), g);
    return new ResolvedLayer(p, in, Shape.map(in.channels(), oh, ow), g, 0, 0);
  }

  private static ResolvedLayer dense(Layer.Dense d, String node, Shape in, String from) throws Failure {
    if (d.inFeatures() != null && d.inFeatures().value() != in.size()) {
      throw new Failure(Messages.denseInput(node, d.inFeatures().value(), from, in), d.inFeatures().at());
    }
    int units = d.units().value();
    long weights = (long) units * in.size();
    return new ResolvedLayer(d, in, Shape.flat(units), null, weights + (d.bias() ? units : 0), weights);
  }

  private static int outSize(int in, int totalPad, Geometry g) {
    return (int) (((long) in + totalPad - g.kernel()) / g.stride() + 1);
  }

  private static void requireSpatial(Layer layer, String node, Shape in, String from) throws Failure {
    if (in.flat()) {
      throw new Failure(Messages.needsSpatial(layer.label(), node, from, in), layer.at());
    }
  }
}
