package dev.netwright.processor.graph;

import dev.netwright.processor.layer.Layer;

/**
 * A layer with its shapes known.
 *
 * @param geometry the window of a convolution or pooling layer, null for the others
 * @param parameters number of learned scalars
 * @param multiplyAdds multiply-accumulate operations per example, as torchinfo counts them
 * @param buffers non-trainable state kept with the parameters (batch-norm running statistics)
 */
public record ResolvedLayer(
    Layer layer,
    Shape in,
    Shape out,
    Geometry geometry,
    long parameters,
    long multiplyAdds,
    long buffers) {
  /** A layer without non-trainable state. */
  public ResolvedLayer(
      Layer layer, Shape in, Shape out, Geometry geometry, long parameters, long multiplyAdds) {
    this(layer, in, out, geometry, parameters, multiplyAdds, 0);
  }
}
