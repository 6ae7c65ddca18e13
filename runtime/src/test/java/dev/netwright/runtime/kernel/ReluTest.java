package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@ExtendWith(SingleThreaded.class)
class ReluTest {
  private static final long[] SHAPE = {2, 3, 4, 5};

  @Test
  void forwardMatchesNaiveReference() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Reference.random(type, 1, SHAPE);
      INDArray y = Nd4j.create(type, SHAPE);
      new Relu(y, x).forward();
      INDArray expected = Nd4j.create(DataType.DOUBLE, SHAPE);
      for (long i = 0; i < x.length(); i++) {
        expected.putScalar(i, Math.max(x.getDouble(i), 0));
      }
      Reference.assertClose("relu " + type, expected, y, 0);
    }
  }

  @Test
  void gradientsMatchCentralDifferences() {
    INDArray x = Reference.distinct(2, SHAPE);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dx = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dy = Nd4j.create(DataType.DOUBLE, SHAPE);
    Relu relu = new Relu(y, x).withGradients(dx, dy);
    GradCheck.check("relu", relu::forward, relu::backward, y, dy, 1e-3, new Param("x", x, dx));
  }

  @Test
  void inPlaceForwardAndBackwardMatchSeparateBuffers() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Reference.random(type, 3, SHAPE);
      INDArray g = Reference.random(type, 4, SHAPE);
      INDArray y = Nd4j.create(type, SHAPE);
      INDArray dx = Nd4j.create(type, SHAPE);
      INDArray dy = g.dup();
      Relu separate = new Relu(y, x).withGradients(dx, dy);
      separate.forward();
      separate.backward();
      INDArray both = x.dup();
      INDArray grad = g.dup();
      Relu inPlace = new Relu(both, both).withGradients(grad, grad);
      inPlace.forward();
      inPlace.backward();
      Reference.assertIdentical("in-place y " + type, y, both);
      Reference.assertIdentical("in-place dx " + type, dx, grad);
      Reference.assertIdentical("dy untouched " + type, g, dy);
    }
  }

  @Test
  void worksOnChannelSliceViews() {
    // Generated code may run a ReLU on one branch's channels inside a concat buffer.
    INDArray buffer = Reference.random(DataType.FLOAT, 5, 2, 6, 4, 5);
    INDArray slice =
        buffer.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(2, 5),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    INDArray expected = buffer.dup();
    INDArray part =
        expected.get(
            NDArrayIndex.all(),
            NDArrayIndex.interval(2, 5),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    part.assign(
        Nd4j.getExecutioner()
            .exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(part.dup())));
    INDArray dSlice = Nd4j.create(DataType.FLOAT, slice.shape());
    INDArray dy = Reference.random(DataType.FLOAT, 6, slice.shape());
    Relu relu = new Relu(slice, slice).withGradients(dSlice, dy);
    relu.forward();
    relu.backward();
    Reference.assertIdentical("slice", expected, buffer);
    for (long i = 0; i < dy.length(); i++) {
      assertEquals(slice.getDouble(i) > 0 ? dy.getDouble(i) : 0.0, dSlice.getDouble(i), 0.0);
    }
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    INDArray x = Reference.random(DataType.FLOAT, 7, SHAPE);
    INDArray y = Nd4j.create(DataType.FLOAT, SHAPE);
    INDArray dx = Nd4j.valueArrayOf(SHAPE, 1e3f);
    INDArray dy = Reference.random(DataType.FLOAT, 8, SHAPE);
    Relu relu = new Relu(y, x).withGradients(dx, dy);
    long address = dx.data().address();
    relu.forward();
    relu.backward();
    INDArray[] once = {y.dup(), dx.dup()};
    relu.forward();
    relu.backward();
    assertEquals(address, dx.data().address(), "dx keeps its buffer");
    Reference.assertIdentical("y", once[0], y);
    Reference.assertIdentical("dx (overwritten, not accumulated)", once[1], dx);
  }

  @Test
  void errorsNameTheProblem() {
    INDArray x = Nd4j.create(DataType.FLOAT, SHAPE);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Relu(Nd4j.create(DataType.FLOAT, 2, 3, 5, 4), x));
    assertTrue(e.getMessage().contains("y must have shape [2, 3, 4, 5]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 3, 5, 4]"), e.getMessage());
    var s = assertThrows(IllegalStateException.class, new Relu(x, x)::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dy)"), s.getMessage());
  }
}
