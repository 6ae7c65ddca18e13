package dev.netwright.spark;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.optim.Optimizer;
import java.io.Serializable;

/**
 * Builds the optimizer over a network's parameters, on the driver and on every executor alike, e.g.
 * {@code p -> new Sgd(p, 0.01, 0.5)}. Serializable, so a lambda travels with the job.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
  /** A fresh optimizer over {@code parameters}. */
  Optimizer create(Parameters parameters);
}
