package dev.netwright.dsl;

/** What to do when the window does not tile the padded input exactly. */
public enum Rounding {
  /** Refuse at compile time: every input row and column must be covered (the default). */
  EXACT,
  /** Drop the rows and columns left over at the bottom and right, as PyTorch and Keras VALID do. */
  FLOOR
}
