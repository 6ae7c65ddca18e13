package dev.netwright.dsl;

/**
 * The return type of every node method of a {@link Network} interface.
 *
 * <p>A node method's parameters name the earlier nodes it consumes; a method without parameters
 * consumes the node declared just before it (the network input for the first node).
 */
public interface Node {}
