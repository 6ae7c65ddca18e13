package dev.netwright.processor.graph;

/** One layer of a node, as the user wrote it, with the locations of its numbers. */
public sealed interface Layer
    permits Layer.Conv, Layer.Pool, Layer.Relu, Layer.Flatten, Layer.Dense, Layer.Concat,
        Layer.Add, Layer.BatchNorm, Layer.Lrn, Layer.Dropout, Layer.GlobalAvgPool,
        Layer.Activation {
  /** The layer's annotation. */
  Location at();

  /** Short name for messages and the summary, e.g. "conv". */
  String label();

  /** Whether the layer has learned parameters. */
  default boolean hasParameters() {
    return false;
  }

  /** Whether the layer merges two or more inputs (and so must come first in its node). */
  default boolean merges() {
    return false;
  }

  /** How a window treats the border: VALID, SAME, or explicit {@code pad} on each side. */
  record Padding(Mode mode, Value pad) {
    /** The padding rule. */
    public enum Mode {
      VALID,
      SAME,
      EXPLICIT
    }

    @Override
    public String toString() {
      return mode == Mode.EXPLICIT ? "pad " + pad.value() : mode.name();
    }
  }

  /**
   * 2-D convolution, weights [filters, in, kernel, kernel].
   *
   * @param init the weight initialiser's name (dev.netwright.dsl.Init); DEFAULT is the network's
   */
  record Conv(Value filters, Value kernel, Value stride, Padding padding, boolean bias, boolean floor,
      String init, Location at) implements Layer {
    @Override
    public String label() {
      return "conv";
    }

    @Override
    public boolean hasParameters() {
      return true;
    }
  }

  /** Max or average pooling. */
  record Pool(boolean max, Value size, Value stride, Padding padding, boolean floor,
      boolean countPadding, Location at) implements Layer {
    @Override
    public String label() {
      return max ? "max pooling" : "average pooling";
    }
  }

  /** max(x, 0). */
  record Relu(Location at) implements Layer {
    @Override
    public String label() {
      return "relu";
    }
  }

  /** [C, H, W] to [C·H·W]. */
  record Flatten(Location at) implements Layer {
    @Override
    public String label() {
      return "flatten";
    }
  }

  /** Fully connected, weights [units, inFeatures]; {@code inFeatures} is null when not written. */
  record Dense(Value units, Value inFeatures, boolean bias, String init, Location at) implements Layer {
    @Override
    public String label() {
      return "dense";
    }

    @Override
    public boolean hasParameters() {
      return true;
    }
  }

  /** Concatenation on channels of the node's inputs. */
  record Concat(Location at) implements Layer {
    @Override
    public String label() {
      return "concat";
    }

    @Override
    public boolean merges() {
      return true;
    }
  }

  /** Element-wise sum of the node's inputs. */
  record Add(Location at) implements Layer {
    @Override
    public String label() {
      return "add";
    }

    @Override
    public boolean merges() {
      return true;
    }
  }

  /** Batch normalization over channels (or features). */
  record BatchNorm(Real momentum, Real eps, boolean affine, Location at) implements Layer {
    @Override
    public String label() {
      return "batch norm";
    }

    @Override
    public boolean hasParameters() {
      return affine;
    }
  }

  /** Local response normalization across channels. */
  record Lrn(Value depthRadius, Real bias, Real alpha, Real beta, Location at) implements Layer {
    @Override
    public String label() {
      return "LRN";
    }
  }

  /** Inverted dropout with probability {@code p}. */
  record Dropout(Real p, Location at) implements Layer {
    @Override
    public String label() {
      return "dropout";
    }
  }

  /** [C, H, W] to [C] by averaging. */
  record GlobalAvgPool(Location at) implements Layer {
    @Override
    public String label() {
      return "global average pooling";
    }
  }

  /** An element-wise (or, for softmax, row-wise) activation. */
  record Activation(Kind kind, Location at) implements Layer {
    /** Which activation. */
    public enum Kind {
      SIGMOID,
      TANH,
      SOFTMAX
    }

    @Override
    public String label() {
      return kind.name().toLowerCase();
    }
  }
}
