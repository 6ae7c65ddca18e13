package dev.netwright.runtime.data;

/** The contents of an IDX label file: one unsigned byte per example. */
public final class IdxLabels {
  private final byte[] bytes;

  IdxLabels(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Number of labels. */
  public int count() {
    return bytes.length;
  }

  /** The label, 0 to 255, of example {@code i}. */
  public int label(int i) {
    return bytes[i] & 0xff;
  }

  /** The raw labels as signed bytes; shared, not copied: do not modify. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "IdxLabels[" + bytes.length + " labels]";
  }
}
