package dev.netwright.runtime.kernel;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Runs a test class with one OpenMP thread on the calling thread, restoring the count after. The
 * tests run thousands of tiny ops; with two threads on a machine where another process holds a
 * core, each one stalls: Conv2dTest took 51 s with two threads and 1.7 s with one.
 */
final class SingleThreaded implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace SPACE =
      ExtensionContext.Namespace.create(SingleThreaded.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Nd4j.getEnvironment(); // loads the backend before NativeOpsHolder may be touched
    NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
    context.getStore(SPACE).put("threads", ops.ompGetMaxThreads());
    ops.setOmpNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Integer previous = context.getStore(SPACE).get("threads", Integer.class);
    if (previous != null) {
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(previous);
    }
  }
}
