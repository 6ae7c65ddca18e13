package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SingleThreaded.class)
class DenseTest {
  /** x is a [3, 2*3*2] view of a 4-D activation, as after a flatten; dx likewise. */
  record Buffers(INDArray x4, INDArray x, INDArray w, INDArray b, INDArray y) {
    static Buffers make(DataType type, boolean bias) {
      INDArray x4 = Reference.random(type, 1, 3, 2, 3, 2);
      INDArray w = Reference.random(type, 2, 4, 12);
      INDArray b = bias ? Reference.random(type, 3, 4) : null;
      return new Buffers(x4, x4.reshape(3, 12), w, b, Nd4j.create(type, 3, 4));
    }
  }

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void forwardOnAFlattenedViewMatchesNaiveReference(boolean bias) {
    Buffers a = Buffers.make(DataType.DOUBLE, bias);
    assertTrue(a.x().isView(), "the test must exercise a view");
    new Dense(a.y(), a.x(), a.w(), a.b()).forward();
    Reference.assertClose("dense", Reference.dense(a.x(), a.w(), a.b()), a.y(), 1e-12);
  }

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void gradientsMatchCentralDifferences(boolean bias) {
    Buffers a = Buffers.make(DataType.DOUBLE, bias);
    INDArray dx4 = Nd4j.create(DataType.DOUBLE, a.x4().shape());
    INDArray dw = Nd4j.create(DataType.DOUBLE, a.w().shape());
    INDArray db = bias ? Nd4j.create(DataType.DOUBLE, 4) : null;
    INDArray dy = Nd4j.create(DataType.DOUBLE, a.y().shape());
    Dense dense =
        new Dense(a.y(), a.x(), a.w(), a.b()).withGradients(dx4.reshape(3, 12), dw, db, dy);
    Param[] params =
        bias
            ? new Param[] {
              new Param("x", a.x4(), dx4), new Param("w", a.w(), dw), new Param("b", a.b(), db)
            }
            : new Param[] {new Param("x", a.x4(), dx4), new Param("w", a.w(), dw)};
    GradCheck.check("dense", dense::forward, dense::backward, a.y(), dy, 1e-3, params);
  }

  @Test
  void skippedInputGradientLeavesTheOthersIntact() {
    Buffers a = Buffers.make(DataType.DOUBLE, true);
    INDArray[] full = {
      Nd4j.create(DataType.DOUBLE, 3, 12),
      Nd4j.create(DataType.DOUBLE, 4, 12),
      Nd4j.create(DataType.DOUBLE, 4)
    };
    INDArray[] noDx = {null, Nd4j.create(DataType.DOUBLE, 4, 12), Nd4j.create(DataType.DOUBLE, 4)};
    INDArray dy = Reference.random(DataType.DOUBLE, 4, 3, 4);
    new Dense(a.y(), a.x(), a.w(), a.b()).withGradients(full[0], full[1], full[2], dy).backward();
    new Dense(a.y(), a.x(), a.w(), a.b()).withGradients(null, noDx[1], noDx[2], dy).backward();
    Reference.assertIdentical("dw", full[1], noDx[1]);
    Reference.assertIdentical("db", full[2], noDx[2]);
  }

  @Test
  void floatForwardAgreesWithDouble() {
    Buffers d = Buffers.make(DataType.DOUBLE, true);
    Buffers f = Buffers.make(DataType.FLOAT, true);
    new Dense(d.y(), d.x(), d.w(), d.b()).forward();
    new Dense(f.y(), f.x(), f.w(), f.b()).forward();
    Reference.assertClose("dense", d.y(), f.y(), 1e-4);
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    Buffers a = Buffers.make(DataType.FLOAT, true);
    INDArray dx4 = Nd4j.valueArrayOf(a.x4().shape(), 1e3f);
    INDArray dw = Nd4j.valueArrayOf(a.w().shape(), 1e3f);
    INDArray db = Nd4j.valueArrayOf(new long[] {4}, 1e3f);
    INDArray dy = Reference.random(DataType.FLOAT, 5, 3, 4);
    Dense dense =
        new Dense(a.y(), a.x(), a.w(), a.b()).withGradients(dx4.reshape(3, 12), dw, db, dy);
    long address = a.y().data().address();
    dense.forward();
    dense.backward();
    INDArray[] once = {a.y().dup(), dx4.dup(), dw.dup(), db.dup()};
    dense.forward();
    dense.backward();
    assertEquals(address, a.y().data().address(), "y keeps its buffer");
    Reference.assertIdentical("y", once[0], a.y());
    Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], dx4);
    Reference.assertIdentical("dw (overwritten, not accumulated)", once[2], dw);
    Reference.assertIdentical("db (overwritten, not accumulated)", once[3], db);
    Reference.assertClose(
        "dx written through the view",
        a.w()
            .castTo(DataType.DOUBLE)
            .transpose()
            .mmul(dy.castTo(DataType.DOUBLE).transpose())
            .transpose()
            .reshape(3, 2, 3, 2),
        dx4,
        1e-5);
  }

  @Test
  void errorsNameTheProblem() {
    Buffers a = Buffers.make(DataType.FLOAT, true);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Dense(a.y(), a.x(), Nd4j.create(DataType.FLOAT, 12, 4), a.b()));
    assertTrue(e.getMessage().contains("w must have shape [12, 12]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Dense(Nd4j.create(DataType.FLOAT, 3, 5), a.x(), a.w(), a.b()));
    assertTrue(e.getMessage().contains("y must have shape [3, 4]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [3, 5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dense(a.y(), a.x4(), a.w(), a.b()));
    assertTrue(e.getMessage().contains("reshape a 4-D activation"), e.getMessage());
    var s =
        assertThrows(IllegalStateException.class, new Dense(a.y(), a.x(), a.w(), a.b())::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dw, db, dy)"), s.getMessage());
  }
}
