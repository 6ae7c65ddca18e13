package dev.netwright.processor.graph;

/**
 * Where something was written, opaque to the graph: the source stage maps it back to the element,
 * annotation and value so javac underlines exactly that. Tests use plain labels.
 */
public interface Location {}
