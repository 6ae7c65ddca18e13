package dev.netwright.runtime.optim;

import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The base of the optimizers over {@link Parameters}' flat buffers: learning rate, step counter,
 * named state buffers allocated once, and the ranges weight decay applies to.
 */
abstract class FlatOptimizer implements Optimizer {
  /** A run of parameters [from, to) in the flat buffers, all decayed or all not. */
  record Range(int from, int to, boolean decays) {
    int length() {
      return to - from;
    }
  }

  final Memory values;
  final Memory gradients;
  final double weightDecay;

  /** Every parameter's scalars, in order, merged into as few ranges as the exclusions allow. */
  final Range[] ranges;

  private final Map<String, INDArray> state = new LinkedHashMap<>();
  private final Map<String, INDArray> stateView = Collections.unmodifiableMap(state);
  private double learningRate;
  private long steps;

  FlatOptimizer(
      Parameters parameters,
      double learningRate,
      double weightDecay,
      List<String> noDecaySuffixes) {
    Objects.requireNonNull(parameters, "parameters");
    checkRate(learningRate);
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight decay must be a non-negative number, got " + weightDecay);
    }
    this.values = new Memory(parameters.values());
    this.gradients = new Memory(parameters.gradients());
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
    this.ranges = ranges(parameters.list(), weightDecay, noDecaySuffixes);
  }

  private static Range[] ranges(
      List<Parameter> list, double weightDecay, List<String> noDecaySuffixes) {
    for (String suffix : noDecaySuffixes) {
      if (suffix.isEmpty() || list.stream().noneMatch(p -> p.name().endsWith(suffix))) {
        throw new IllegalArgumentException(
            "no parameter name ends with '"
                + suffix
                + "', so excluding it from"
                + " weight decay would do nothing; the names are "
                + list.stream().map(Parameter::name).toList());
      }
    }
    List<Range> out = new ArrayList<>();
    for (Parameter p : list) {
      boolean decays = weightDecay > 0 && noDecaySuffixes.stream().noneMatch(p.name()::endsWith);
      int from = (int) p.offset();
      int to = from + (int) p.length();
      Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.decays == decays && last.to == from) {
        out.set(out.size() - 1, new Range(last.from, to, decays));
      } else {
        out.add(new Range(from, to, decays));
      }
    }
    return out.toArray(Range[]::new);
  }

  static void checkRate(double learningRate) {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be a positive number, got " + learningRate);
    }
  }

  static double checkFraction(String what, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /** A zeroed state buffer laid out like the values, saved and restored under {@code name}. */
  final Memory stateBuffer(String name) {
    INDArray buffer = Nd4j.create(values.array().dataType(), values.length);
    state.put(name, buffer);
    return new Memory(buffer);
  }

  /** Multiplies the decayed parameters by {@code factor}: p ← factor·p. */
  final void scaleDecayed(double factor) {
    for (Range r : ranges) {
      if (r.decays) {
        values.scale(factor, r.from, r.length());
      }
    }
  }

  /** One update; {@code t} counts steps from 1, as PyTorch's state["step"] after its increment. */
  abstract void update(long t);

  @Override
  public final void step() {
    update(++steps);
  }

  @Override
  public final double learningRate() {
    return learningRate;
  }

  @Override
  public final void setLearningRate(double learningRate) {
    if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be a non-negative number, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  @Override
  public final Map<String, INDArray> state() {
    return stateView;
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final void restore(Map<String, INDArray> saved, long steps) {
    Objects.requireNonNull(saved, "state");
    String name = getClass().getSimpleName();
    if (steps < 0) {
      throw new IllegalArgumentException(name + " cannot restore a negative step count, " + steps);
    }
    if (!saved.keySet().equals(state.keySet())) {
      throw new IllegalArgumentException(
          name + "'s state is " + state.keySet() + ", but the saved state has " + saved.keySet());
    }
    // Check everything before copying anything, so a failed restore leaves the optimizer as it was.
    for (Map.Entry<String, INDArray> e : state.entrySet()) {
      INDArray from = Objects.requireNonNull(saved.get(e.getKey()), e.getKey());
      INDArray to = e.getValue();
      if (from.dataType() != to.dataType() || !Arrays.equals(from.shape(), to.shape())) {
        throw new IllegalArgumentException(
            name
                + "'s state '"
                + e.getKey()
                + "' is "
                + to.dataType()
                + Arrays.toString(to.shape())
                + ", but the saved one is "
                + from.dataType()
                + Arrays.toString(from.shape()));
      }
    }
    state.forEach((key, to) -> to.assign(saved.get(key)));
    this.steps = steps;
  }
}
