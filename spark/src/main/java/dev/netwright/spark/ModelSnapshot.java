package dev.netwright.spark;

import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Optimizer;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network's identity and state as it crosses a process: the generated class to build, the
 * parameters, batch-norm buffers and optimizer state as raw bytes, and the counters training needs.
 * Executors build the network by reflection and check every part on arrival.
 */
public final class ModelSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String modelClass;
  private final String name;
  private final String dataType;
  private final String fingerprint;
  private final byte[] values;
  private final byte[] buffers;
  private final LinkedHashMap<String, byte[]> optimizerState;
  private final long optimizerSteps;
  private final double learningRate;
  private final long trainingSteps;

  private ModelSnapshot(Model model, Optimizer optimizer) {
    this.modelClass = model.getClass().getName();
    this.name = model.name();
    this.dataType = model.dataType().name();
    this.fingerprint = Checkpoint.fingerprint(model);
    this.values = bytes(model.parameters().values());
    this.buffers = bytes(model.parameters().buffers());
    this.optimizerState = new LinkedHashMap<>();
    if (optimizer != null) {
      optimizer.state().forEach((key, a) -> optimizerState.put(key, bytes(a)));
    }
    this.optimizerSteps = optimizer == null ? 0 : optimizer.steps();
    this.learningRate = optimizer == null ? 0 : optimizer.learningRate();
    this.trainingSteps = model.trainingSteps();
  }

  /** The model's state, and the optimizer's (null for none, e.g. for scoring). */
  public static ModelSnapshot of(Model model, Optimizer optimizer) {
    return new ModelSnapshot(Objects.requireNonNull(model, "model"), optimizer);
  }

  /** The network's simple name, e.g. SimpleNet. */
  public String name() {
    return name;
  }

  /** The learning rate the optimizer had. */
  public double learningRate() {
    return learningRate;
  }

  /** Training-mode forward passes so far (dropout masks derive from it). */
  public long trainingSteps() {
    return trainingSteps;
  }

  /**
   * A new network of the snapshot's generated class, built by reflection through its {@code
   * (DataType, long seed)} constructor, holding the snapshot's parameters and buffers.
   *
   * @throws IllegalStateException if the class is not on this JVM's class path, is not a generated
   *     network, or builds a network whose parameters differ (another version of the class)
   */
  public Model newModel() {
    Model model;
    try {
      Class<?> c = Class.forName(modelClass, true, Thread.currentThread().getContextClassLoader());
      Constructor<?> constructor = c.getConstructor(DataType.class, long.class);
      model = (Model) constructor.newInstance(DataType.valueOf(dataType), 0L);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the network class "
              + modelClass
              + " is not on this executor's class path:"
              + " ship the application jar (spark-submit's application jar, or spark.jars)",
          e);
    } catch (NoSuchMethodException | ClassCastException e) {
      throw new IllegalStateException(
          modelClass
              + " is not a generated Netwright network (no public"
              + " constructor (DataType, long) building a Model)",
          e);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot build " + modelClass + ": " + e, e);
    }
    restore(model, null);
    return model;
  }

  /**
   * Copies the snapshot into {@code model} and {@code optimizer} (null to skip it), after checking
   * that the network, element type, sizes and optimizer state names agree.
   *
   * @throws IllegalArgumentException naming the first thing that differs; nothing is changed then
   */
  public void restore(Model model, Optimizer optimizer) {
    String theirs = Checkpoint.fingerprint(model);
    if (!theirs.equals(fingerprint)) {
      throw new IllegalArgumentException(
          "these weights are of network "
              + name
              + " ("
              + modelClass
              + ", fingerprint "
              + fingerprint.substring(0, 12)
              + "), but the network here is "
              + model.name()
              + " ("
              + model.getClass().getName()
              + ", fingerprint "
              + theirs.substring(0, 12)
              + "): their parameter names or shapes differ");
    }
    if (!model.dataType().name().equals(dataType)) {
      throw new IllegalArgumentException(
          "these weights of "
              + name
              + " are "
              + dataType
              + ", the network here is "
              + model.dataType());
    }
    check("parameters", values, model.parameters().values());
    check("buffers", buffers, model.parameters().buffers());
    Map<String, INDArray> state = optimizer == null ? Map.of() : optimizer.state();
    if (optimizer != null) {
      if (!state.keySet().equals(optimizerState.keySet())) {
        throw new IllegalArgumentException(
            "the optimizer here keeps state "
                + state.keySet()
                + ", but the one these weights were trained with kept "
                + optimizerState.keySet()
                + ": build the same optimizer on every machine");
      }
      state.forEach((key, a) -> check("optimizer state '" + key + "'", optimizerState.get(key), a));
    }
    copy(values, model.parameters().values());
    copy(buffers, model.parameters().buffers());
    if (optimizer != null) {
      Map<String, INDArray> copies = new LinkedHashMap<>();
      state.forEach(
          (key, a) -> {
            INDArray c = a.dup();
            copy(optimizerState.get(key), c);
            copies.put(key, c);
          });
      optimizer.restore(copies, optimizerSteps);
      optimizer.setLearningRate(learningRate);
    }
    model.setTrainingSteps(trainingSteps);
  }

  private void check(String what, byte[] bytes, INDArray target) {
    long expected = target.length() * target.dataType().width();
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          name
              + "'s "
              + what
              + " arrived with "
              + bytes.length
              + " bytes, but "
              + target.length()
              + " "
              + target.dataType()
              + " values take "
              + expected);
    }
  }

  private static byte[] bytes(INDArray flat) {
    if (flat.length() == 0) {
      return new byte[0];
    }
    ByteBuffer nio = flat.data().asNio();
    byte[] out = new byte[(int) (flat.length() * flat.dataType().width())];
    nio.get(out);
    return out;
  }

  private static void copy(byte[] bytes, INDArray flat) {
    if (bytes.length > 0) {
      flat.data().asNio().put(bytes);
    }
  }
}
