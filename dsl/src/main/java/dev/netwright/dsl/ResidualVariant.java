package dev.netwright.dsl;

/** The body of a residual module. */
public enum ResidualVariant {
  /** Two 3x3 convolutions, ReLU between them (He et al. 2015); output = filters. */
  BASIC,
  /** 1x1, 3x3, 1x1 with ReLU between; output = filters x expansion (He et al. 2015). */
  BOTTLENECK,
  /** Batch norm and ReLU before each convolution (He et al. 2016). */
  PRE_ACTIVATION
}
