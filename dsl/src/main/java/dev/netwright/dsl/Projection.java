package dev.netwright.dsl;

/** The shortcut of a residual module. */
public enum Projection {
  /** Identity when the shapes agree, otherwise a 1x1 convolution (linear) to match them. */
  AUTO,
  /** Always a 1x1 convolution. */
  ALWAYS,
  /** Always the identity: the shapes must agree, which is checked at compile time. */
  NEVER
}
