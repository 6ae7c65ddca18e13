package dev.netwright.runtime.kernel;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.cpu.nativecpu.buffer.BaseCpuDataBuffer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueDataBuffer;

/**
 * One native op with its arrays and arguments bound once, run many times without allocating.
 *
 * <p>Custom ops go straight to libnd4j's {@code execCustomOp2} with a prepared context: going
 * through {@code Nd4j.exec(op, context)} costs about 760 bytes of heap per call (output lists,
 * profiling hooks) for nothing we need. Each instance keeps its arrays and its {@link OpContext} in
 * final fields: a collected context frees its native half and the next call would crash the JVM.
 */
abstract class PreparedOp {
  private final String kernel;
  private final String op;
  private final INDArray[] inputs;
  private final INDArray[] outputs;

  private PreparedOp(String kernel, String op, INDArray[] inputs, INDArray[] outputs) {
    this.kernel = kernel;
    this.op = op;
    this.inputs = inputs.clone();
    this.outputs = outputs.clone();
  }

  /**
   * Runs the op; a native failure becomes an IllegalStateException naming kernel, shapes and cause.
   */
  abstract void exec();

  /**
   * A DynamicCustomOp by name, e.g. "conv2d", with integer, floating-point and boolean arguments.
   */
  static PreparedOp custom(
      String kernel,
      String op,
      INDArray[] inputs,
      INDArray[] outputs,
      long[] iArgs,
      double[] tArgs,
      boolean[] bArgs) {
    return new Custom(kernel, op, inputs, outputs, iArgs, tArgs, bArgs);
  }

  /**
   * As {@link #custom}, with ND4J's platform helpers (oneDNN) off for this op alone: libnd4j's own
   * implementation runs instead.
   */
  static PreparedOp customWithoutHelpers(
      String kernel,
      String op,
      INDArray[] inputs,
      INDArray[] outputs,
      long[] iArgs,
      double[] tArgs,
      boolean[] bArgs) {
    Custom c = new Custom(kernel, op, inputs, outputs, iArgs, tArgs, bArgs);
    c.context.allowHelpers(false);
    return c;
  }

  /** z = (x > 0) ? 1 : 0, the legacy scalar op Step, which has no custom-op twin. */
  static PreparedOp step(String kernel, INDArray x, INDArray z) {
    return new Mask(kernel, x, z);
  }

  final IllegalStateException failure(String cause) {
    return new IllegalStateException(
        kernel
            + ": ND4J op '"
            + op
            + "' failed on inputs "
            + shapes(inputs)
            + " and outputs "
            + shapes(outputs)
            + ": "
            + cause);
  }

  static String shapes(INDArray... arrays) {
    return Arrays.stream(arrays)
        .map(a -> a == null ? "null" : a.dataType() + Arrays.toString(a.shape()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  // NativeOpsHolder throws if touched before Nd4j's backend is loaded, so load it first.
  private static final class Native {
    static final NativeOps OPS = load();

    private static NativeOps load() {
      Nd4j.getExecutioner();
      return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }
  }

  private static final class Custom extends PreparedOp {
    private final OpContext context;
    private final long hash;

    Custom(
        String kernel,
        String op,
        INDArray[] inputs,
        INDArray[] outputs,
        long[] iArgs,
        double[] tArgs,
        boolean[] bArgs) {
      super(kernel, op, inputs, outputs);
      this.hash = DynamicCustomOp.builder(op).build().opHash();
      this.context = Nd4j.getExecutioner().buildContext();
      context.setInputArrays(inputs);
      context.setOutputArrays(outputs);
      if (iArgs.length > 0) {
        context.setIArguments(iArgs);
      }
      if (tArgs.length > 0) {
        context.setTArguments(tArgs);
      }
      if (bArgs.length > 0) {
        context.setBArguments(bArgs);
      }
    }

    @Override
    void exec() {
      int status = Native.OPS.execCustomOp2(null, hash, context.contextPointer());
      if (status != 0) {
        throw failure(Native.OPS.lastErrorMessage());
      }
    }
  }

  /**
   * Step through the legacy executioner allocates about 800 bytes per call (a scalar array and
   * argument wrappers); this calls the same native entry point with everything bound once.
   */
  private static final class Mask extends PreparedOp {
    private static final int STEP = new Step().opNum();
    // The superclass keeps x and z reachable; this keeps the threshold's buffer alive.
    private final INDArray threshold;
    private final OpaqueDataBuffer xBuffer;
    private final OpaqueDataBuffer zBuffer;
    private final OpaqueDataBuffer thresholdBuffer;
    private final LongPointer xShape;
    private final LongPointer zShape;
    private final LongPointer thresholdShape;

    Mask(String kernel, INDArray x, INDArray z) {
      super(kernel, "Step", new INDArray[] {x}, new INDArray[] {z});
      this.threshold = Nd4j.scalar(x.dataType(), 0.0);
      this.xBuffer = opaque(kernel, x.data());
      this.zBuffer = opaque(kernel, z.data());
      this.thresholdBuffer = opaque(kernel, threshold.data());
      this.xShape = (LongPointer) x.shapeInfoDataBuffer().addressPointer();
      this.zShape = (LongPointer) z.shapeInfoDataBuffer().addressPointer();
      this.thresholdShape = (LongPointer) threshold.shapeInfoDataBuffer().addressPointer();
    }

    private static OpaqueDataBuffer opaque(String kernel, DataBuffer buffer) {
      if (!(buffer instanceof BaseCpuDataBuffer cpu)) {
        throw new IllegalArgumentException(
            kernel
                + " needs ND4J's CPU backend (nd4j-native), but an"
                + " array lives in a "
                + buffer.getClass().getSimpleName());
      }
      return cpu.getOpaqueDataBuffer();
    }

    @Override
    void exec() {
      Native.OPS.execScalar(
          null,
          STEP,
          xBuffer,
          xShape,
          null,
          zBuffer,
          zShape,
          null,
          thresholdBuffer,
          thresholdShape,
          null,
          null);
      if (Native.OPS.lastErrorCode() != 0) {
        throw failure(Native.OPS.lastErrorMessage());
      }
    }
  }
}
