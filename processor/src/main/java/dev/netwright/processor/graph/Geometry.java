package dev.netwright.processor.graph;

/**
 * A resolved sliding window over one [C, H, W] input: window, stride and the padding actually
 * applied on each side. {@code same} is kept only when the padding is asymmetric, which ND4J
 * expresses with its SAME mode; symmetric SAME is turned into explicit padding.
 */
public record Geometry(
    int kernel, int stride, int padTop, int padLeft, int padBottom, int padRight, boolean same) {}
