package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class AccumulateTest {
  private static final long[] SHAPE = {2, 3, 4, 5};

  @Test
  void addsXIntoAccExactlyAndKeepsAccumulating() {
    INDArray acc = Reference.random(DataType.DOUBLE, 1, SHAPE);
    INDArray x = Reference.random(DataType.DOUBLE, 2, SHAPE);
    INDArray expected = acc.dup();
    long address = acc.data().address();
    Accumulate accumulate = new Accumulate(acc, x);
    for (int call = 1; call <= 3; call++) {
      expected = JoinSupport.sum(expected, x);
      accumulate.run();
      Reference.assertIdentical("after " + call + " calls", expected, acc);
    }
    x.muli(-2); // later contents of x are what counts
    accumulate.run();
    Reference.assertIdentical("after x changed", JoinSupport.sum(expected, x), acc);
    assertEquals(address, acc.data().address(), "acc keeps its buffer");
  }

  /** Gradients live as reshape views of one flat buffer; the neighbours must stay untouched. */
  @Test
  void worksOnAReshapeViewOfAFlatBuffer() {
    long length = 2 * 3 * 4 * 5;
    INDArray flat = JoinSupport.filled(DataType.DOUBLE, -9, length + 10);
    INDArray acc = flat.get(NDArrayIndex.interval(4, 4 + length)).reshape(SHAPE);
    acc.assign(Reference.random(DataType.DOUBLE, 3, SHAPE));
    INDArray x = Reference.random(DataType.DOUBLE, 4, SHAPE);
    INDArray expected = JoinSupport.sum(acc, x, x);
    Accumulate accumulate = new Accumulate(acc, x);
    accumulate.run();
    accumulate.run();
    Reference.assertIdentical("acc", expected, acc);
    assertEquals(-9.0, flat.getDouble(3));
    assertEquals(-9.0, flat.getDouble(4 + length));
  }

  @Test
  void xMayBeAView() {
    INDArray big = Reference.random(DataType.DOUBLE, 5, 2, 6, 4, 5);
    INDArray x =
        big.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(2, 5),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    INDArray acc = Reference.random(DataType.DOUBLE, 6, SHAPE);
    INDArray expected = JoinSupport.sum(acc, x);
    new Accumulate(acc, x).run();
    Reference.assertIdentical("acc", expected, acc);
  }

  @Test
  void floatAgreesWithDouble() {
    INDArray[] results = new INDArray[2];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray acc = Reference.random(types[t], 7, SHAPE);
      Accumulate accumulate = new Accumulate(acc, Reference.random(types[t], 8, SHAPE));
      accumulate.run();
      accumulate.run();
      results[t] = acc;
    }
    Reference.assertClose("acc", results[0], results[1], 1e-6);
  }

  @Test
  void runAllocatesNothing() {
    INDArray acc = Nd4j.create(DataType.FLOAT, 8, 4, 6, 6);
    Accumulate accumulate = new Accumulate(acc, Nd4j.create(DataType.FLOAT, 8, 4, 6, 6));
    double bytes = JoinSupport.bytesPerCall(accumulate::run);
    assertTrue(bytes < 16, bytes + " bytes per run");
  }

  @Test
  void wrongShapesAndTypesAreReported() {
    INDArray acc = Nd4j.create(DataType.FLOAT, SHAPE);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Accumulate(acc, Nd4j.create(DataType.FLOAT, 2, 3, 5, 4)));
    assertTrue(e.getMessage().contains("x must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 5, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Accumulate(acc, Nd4j.create(DataType.DOUBLE, SHAPE)));
    assertTrue(e.getMessage().contains("x is DOUBLE"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Accumulate(null, acc));
    assertTrue(e.getMessage().contains("acc must not be null"), e.getMessage());
  }
}
