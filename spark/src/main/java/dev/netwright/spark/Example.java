package dev.netwright.spark;

import java.io.Serializable;

/** One training example after conversion: C·H·W floats and a class. */
record Example(float[] pixels, int label) implements Serializable {}
