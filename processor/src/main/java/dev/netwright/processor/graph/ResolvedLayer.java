package dev.netwright.processor.graph;

/**
 * A layer with its shapes known.
 *
 * @param geometry the window of a convolution or pooling layer, null for the others
 * @param parameters number of learned scalars
 * @param multiplyAdds multiply-accumulate operations per example, as torchinfo counts them
 */
public record ResolvedLayer(Layer layer, Shape in, Shape out, Geometry geometry, long parameters,
    long multiplyAdds) {}
