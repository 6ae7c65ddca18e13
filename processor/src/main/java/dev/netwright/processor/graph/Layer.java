package dev.netwright.processor.graph;

/** One layer of a node, as the user wrote it, with the locations of its numbers. */
public sealed interface Layer
    permits Layer.Conv, Layer.Pool, Layer.Relu, Layer.Flatten, Layer.Dense, Layer.Concat,
        Layer.Add {
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

  /** 2-D convolution, weights [filters, in, kernel, kernel]. */
  record Conv(Value filters, Value kernel, Value stride, Padding padding, boolean bias, boolean floor,
      Location at) implements Layer {
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
  record Dense(Value units, Value inFeatures, boolean bias, Location at) implements Layer {
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
}
