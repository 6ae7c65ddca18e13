package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernels' promise to generated code: forward and backward allocate nothing on the Java heap
 * (beyond what the JIT may not yet have scalarised), and native failures become clear exceptions.
 */
@ExtendWith(SingleThreaded.class)
class AllocationTest {
  private static final int CALLS = 200;

  /** Bytes per call tolerated; Nd4j.exec(op, context) alone costs about 760. */
  private static final long TRIVIA = 64;

  @Test
  void forwardAndBackwardAllocateNothingPerCall() {
    DataType f = DataType.FLOAT;
    INDArray x = Reference.random(f, 1, 4, 3, 8, 8);
    INDArray w = Reference.random(f, 2, 5, 3, 3, 3);
    INDArray b = Reference.random(f, 3, 5);
    INDArray y = Nd4j.create(f, 4, 5, 8, 8);
    INDArray dx = Nd4j.create(f, x.shape());
    INDArray dw = Nd4j.create(f, w.shape());
    INDArray db = Nd4j.create(f, 5);
    INDArray dy = Reference.random(f, 4, y.shape());
    Window same = new Window(3, 3, 1, 1, 0, 0, true);
    Conv2d conv = new Conv2d(y, x, w, b, same).withGradients(dx, dw, db, dy);
    Conv2d first = new Conv2d(y, x, w, b, same).withGradients(null, dw, db, dy);
    Conv2d fallback =
        new Conv2d(Nd4j.create(f, 4, 5, 4, 4), x, w, b, new Window(3, 3, 2, 2, 1, 1, false))
            .withGradients(null, dw, db, Nd4j.create(f, 4, 5, 4, 4));
    INDArray p = Nd4j.create(f, 4, 5, 4, 4);
    Pool2d max =
        Pool2d.max(p, y, new Window(2, 2, 2, 2, 0, 0, false))
            .withGradients(Nd4j.create(f, y.shape()), Nd4j.create(f, p.shape()));
    Pool2d avg =
        Pool2d.avg(p, y, new Window(3, 3, 2, 2, 1, 1, false), true)
            .withGradients(Nd4j.create(f, y.shape()), Nd4j.create(f, p.shape()));
    Relu relu = new Relu(y, y).withGradients(dy, dy);
    INDArray flat = p.reshape(4, 80);
    INDArray logits = Nd4j.create(f, 4, 10);
    Dense dense =
        new Dense(logits, flat, Reference.random(f, 5, 10, 80), Reference.random(f, 6, 10))
            .withGradients(
                Nd4j.create(f, 4, 80),
                Nd4j.create(f, 10, 80),
                Nd4j.create(f, 10),
                Nd4j.create(f, 4, 10));
    INDArray labels = Reference.oneHot(f, 1, 4, 10);
    SoftmaxCrossEntropy loss =
        new SoftmaxCrossEntropy(Nd4j.create(f, 4, 10), logits).withGradients(Nd4j.create(f, 4, 10));

    assertFewBytes("Conv2d forward", conv::forward);
    assertFewBytes("Conv2d backward", conv::backward);
    assertFewBytes("Conv2d backward, correlation path", first::backward);
    assertFewBytes("Conv2d backward, conv2d_bp fallback", fallback::backward);
    assertFewBytes("MaxPool2d forward", max::forward);
    assertFewBytes("MaxPool2d backward", max::backward);
    assertFewBytes("AvgPool2d forward", avg::forward);
    assertFewBytes("AvgPool2d backward", avg::backward);
    assertFewBytes("Relu forward", relu::forward);
    assertFewBytes("Relu backward", relu::backward);
    assertFewBytes("Dense forward", dense::forward);
    assertFewBytes("Dense backward", dense::backward);
    assertFewBytes("SoftmaxCrossEntropy forward", () -> loss.forward(labels));
    assertFewBytes("SoftmaxCrossEntropy backward", loss::backward);
  }

  /**
   * Kernels create views, ones vectors, scratch buffers and native contexts that only they
   * reference; if any of them were collected, its native memory would be freed under the op and the
   * JVM could crash. Results after several collections must equal those before.
   */
  @Test
  void survivesGarbageCollectionOfEverythingItCreated() throws InterruptedException {
    DataType f = DataType.FLOAT;
    INDArray x = Reference.random(f, 1, 4, 3, 8, 8);
    INDArray y = Nd4j.create(f, 4, 5, 8, 8);
    INDArray dw = Nd4j.create(f, 5, 3, 3, 3);
    INDArray db = Nd4j.create(f, 5);
    INDArray dy = Reference.random(f, 2, y.shape());
    Conv2d conv =
        new Conv2d(
                y,
                x,
                Reference.random(f, 3, 5, 3, 3, 3),
                Reference.random(f, 4, 5),
                new Window(3, 3, 1, 1, 1, 1, false))
            .withGradients(null, dw, db, dy);
    INDArray g = Reference.random(f, 5, y.shape());
    Relu relu = new Relu(y, y).withGradients(g, g);
    conv.forward();
    relu.forward();
    conv.backward();
    relu.backward();
    INDArray[] before = {y.dup(), dw.dup(), db.dup(), g.dup()};
    g.assign(Reference.random(f, 5, y.shape()));
    for (int i = 0; i < 5; i++) {
      System.gc();
      byte[][] garbage = new byte[64][];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = new byte[1 << 16];
      }
      Thread.sleep(20); // lets JavaCPP's deallocator thread free whatever became unreachable
    }
    conv.forward();
    relu.forward();
    conv.backward();
    relu.backward();
    Reference.assertIdentical("y", before[0], y);
    Reference.assertIdentical("dw", before[1], dw);
    Reference.assertIdentical("db", before[2], db);
    Reference.assertIdentical("dx", before[3], g);
  }

  @Test
  void nativeFailuresNameKernelShapesAndCause() {
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 5, 5);
    PreparedOp op =
        PreparedOp.custom(
            "TestKernel",
            "conv2d",
            new INDArray[] {x, Nd4j.create(DataType.FLOAT, 4, 3, 3, 3)},
            new INDArray[] {Nd4j.create(DataType.FLOAT, 2, 4, 9, 9)},
            new long[] {3, 3, 1, 1, 0, 0, 1, 1, 0, 0, 1},
            new double[] {},
            new boolean[] {});
    var e = assertThrows(IllegalStateException.class, op::exec);
    assertTrue(
        e.getMessage()
            .startsWith(
                "TestKernel: ND4J op 'conv2d' failed on inputs "
                    + "[FLOAT[2, 3, 5, 5], FLOAT[4, 3, 3, 3]] and outputs [FLOAT[2, 4, 9, 9]]: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("did not match expected shape"), e.getMessage());
  }

  private static void assertFewBytes(String what, Runnable call) {
    var threads = ManagementFactory.getThreadMXBean();
    assumeTrue(
        threads instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
    var counter = (com.sun.management.ThreadMXBean) threads;
    long id = Thread.currentThread().getId();
    for (int i = 0; i < CALLS; i++) {
      call.run(); // warm up, so the JIT has compiled what it will
    }
    long before = counter.getThreadAllocatedBytes(id);
    for (int i = 0; i < CALLS; i++) {
      call.run();
    }
    long perCall = (counter.getThreadAllocatedBytes(id) - before) / CALLS;
    assertTrue(perCall <= TRIVIA, what + " allocated " + perCall + " bytes per call");
  }
}
