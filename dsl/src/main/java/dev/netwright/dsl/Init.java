package dev.netwright.dsl;

/** How a layer's weights start; biases start at zero except under {@link #PYTORCH}. */
public enum Init {
  /** The network's choice ({@code @Network(init = ...)}); on a network, {@link #PYTORCH}. */
  DEFAULT,
  /** PyTorch's Conv2d/Linear default: weights and biases uniform in ±1/sqrt(fan-in). */
  PYTORCH,
  /** He/Kaiming normal: std sqrt(2 / fan-in), for ReLU networks. */
  HE_NORMAL,
  /** He/Kaiming uniform: bound sqrt(6 / fan-in). */
  HE_UNIFORM,
  /** Xavier/Glorot normal: std sqrt(2 / (fan-in + fan-out)). */
  XAVIER_NORMAL,
  /** Xavier/Glorot uniform: bound sqrt(6 / (fan-in + fan-out)), Keras' default. */
  XAVIER_UNIFORM,
  /** Standard normal scaled by 1/sqrt(fan-in), as the NumPy L-layer tutorial does. */
  SCALED_NORMAL
}
