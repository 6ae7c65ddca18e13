package dev.netwright.processor.graph;

/** A real number from the user's source (or its default) with where it was written. */
public record Real(double value, Location at) {}
