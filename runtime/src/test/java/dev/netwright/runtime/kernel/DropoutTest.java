package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SingleThreaded.class)
class DropoutTest {
  private static final long[] SHAPE = {2, 3, 4, 5};

  @Test
  void trainingZeroesAboutPAndScalesTheRestByOneOverOneMinusP() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (double p : new double[] {0.1, 0.5, 0.8}) {
        INDArray x = Nd4j.ones(type, 64, 100);
        INDArray y = Nd4j.create(type, 64, 100);
        Dropout dropout = new Dropout(y, x, p, 42);
        long zeros = 0;
        int calls = 3;
        for (int call = 0; call < calls; call++) {
          dropout.forward(true);
          for (long i = 0; i < y.length(); i++) {
            double v = y.getDouble(i);
            if (v == 0) {
              zeros++;
            } else {
              assertEquals(
                  (float) (1 / (1 - p)), v, type == DataType.DOUBLE ? 1e-7 : 0, "kept value");
            }
          }
        }
        double n = calls * y.length();
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, zeros / n, 5 * sigma, type + " fraction zeroed at p = " + p);
      }
    }
  }

  /** The documented definition: one SplittableRandom(seed).nextDouble() per element and call. */
  @Test
  void maskFollowsSplittableRandomOfTheSeedAcrossCalls() {
    double p = 0.3;
    INDArray x = Reference.random(DataType.DOUBLE, 1, SHAPE);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    Dropout dropout = new Dropout(y, x, p, 7);
    SplittableRandom expected = new SplittableRandom(7);
    for (int call = 0; call < 3; call++) {
      dropout.forward(true);
      for (long i = 0; i < x.length(); i++) {
        double keep = expected.nextDouble() >= p ? 1 / (1 - p) : 0;
        assertEquals(
            x.getDouble(i) * keep, y.getDouble(i), 1e-15, "call " + call + " element " + i);
      }
      dropout.forward(false); // inference draws nothing
    }
  }

  @Test
  void sameSeedSameMasksOtherSeedOrCallOtherMask() {
    INDArray x = Nd4j.ones(DataType.FLOAT, SHAPE);
    INDArray[] first = masks(x, 5);
    INDArray[] again = masks(x, 5);
    INDArray[] other = masks(x, 6);
    Reference.assertIdentical("call 1, same seed", first[0], again[0]);
    Reference.assertIdentical("call 2, same seed", first[1], again[1]);
    assertNotEquals(first[0], first[1], "consecutive calls draw new masks");
    assertNotEquals(first[0], other[0], "another seed draws another mask");
    INDArray[] doubles = masks(Nd4j.ones(DataType.DOUBLE, SHAPE), 5);
    Reference.assertClose("DOUBLE draws the mask FLOAT does", first[0], doubles[0], 1e-7);
  }

  @Test
  void inferenceIsTheIdentityForwardAndBackward() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray x = Reference.random(type, 2, SHAPE);
      INDArray y = Nd4j.create(type, SHAPE);
      INDArray dy = Reference.random(type, 3, SHAPE);
      INDArray dx = Nd4j.create(type, SHAPE);
      Dropout dropout = new Dropout(y, x, 0.5, 1).withGradients(dx, dy);
      dropout.forward(true);
      dropout.forward(false);
      dropout.backward();
      Reference.assertIdentical("y = x " + type, x, y);
      Reference.assertIdentical("dx = dy " + type, dy, dx);
      INDArray both = x.dup();
      new Dropout(both, both, 0.5, 1).forward(false);
      Reference.assertIdentical("in place " + type, x, both);
    }
  }

  @Test
  void pZeroIsTheIdentityAndPOneZeroesEverything() {
    INDArray x = Reference.random(DataType.FLOAT, 4, SHAPE);
    INDArray y = Nd4j.create(DataType.FLOAT, SHAPE);
    new Dropout(y, x, 0, 1).forward(true);
    Reference.assertIdentical("p = 0", x, y);
    new Dropout(y, x, 1, 1).forward(true);
    Reference.assertIdentical("p = 1", Nd4j.zeros(DataType.FLOAT, SHAPE), y);
  }

  /** A kernel with the same seed draws the same first mask, so each loss evaluation uses it. */
  @Test
  void gradientsMatchCentralDifferencesForAFixedMask() {
    INDArray x = Reference.random(DataType.DOUBLE, 5, SHAPE);
    INDArray y = Nd4j.create(DataType.DOUBLE, SHAPE);
    INDArray dx = Nd4j.valueArrayOf(SHAPE, 1e3, DataType.DOUBLE);
    INDArray dy = Reference.random(DataType.DOUBLE, 6, SHAPE);
    Dropout dropout = new Dropout(y, x, 0.4, 3).withGradients(dx, dy);
    dropout.forward(true);
    dropout.backward();
    GradCheck.compare(
        "dropout training",
        () -> {
          new Dropout(y, x, 0.4, 3).forward(true);
          return y.mul(dy).sumNumber().doubleValue();
        },
        1e-5,
        new Param("x", x, dx));
    Dropout inference = new Dropout(y, x, 0.4, 3).withGradients(dx, dy);
    GradCheck.check(
        "dropout inference",
        () -> inference.forward(false),
        inference::backward,
        y,
        dy,
        1e-5,
        new Param("x", x, dx));
  }

  @Test
  void inPlaceMatchesSeparateBuffers() {
    INDArray x = Reference.random(DataType.FLOAT, 7, SHAPE);
    INDArray g = Reference.random(DataType.FLOAT, 8, SHAPE);
    INDArray y = Nd4j.create(DataType.FLOAT, SHAPE);
    INDArray dx = Nd4j.create(DataType.FLOAT, SHAPE);
    Dropout separate = new Dropout(y, x, 0.5, 9).withGradients(dx, g);
    separate.forward(true);
    separate.backward();
    INDArray both = x.dup();
    INDArray grad = g.dup();
    Dropout inPlace = new Dropout(both, both, 0.5, 9).withGradients(grad, grad);
    inPlace.forward(true);
    inPlace.backward();
    Reference.assertIdentical("y", y, both);
    Reference.assertIdentical("dx", dx, grad);
  }

  @Test
  void writesIntoTheGivenBuffersAndAllocatesNothing() {
    INDArray x = Reference.random(DataType.FLOAT, 10, 16, 256);
    INDArray y = Nd4j.create(DataType.FLOAT, 16, 256);
    INDArray dx = Nd4j.valueArrayOf(new long[] {16, 256}, 1e3f);
    INDArray dy = Reference.random(DataType.FLOAT, 11, 16, 256);
    Dropout dropout = new Dropout(y, x, 0.5, 12).withGradients(dx, dy);
    long[] addresses = {y.data().address(), dx.data().address()};
    dropout.forward(true);
    dropout.backward();
    INDArray once = dx.dup();
    dropout.backward();
    Reference.assertIdentical("dx (overwritten, not accumulated)", once, dx);
    Reference.assertClose("dx = dy·mask", dy.mul(y).div(x), dx, 1e-6);
    assertEquals(addresses[0], y.data().address(), "y keeps its buffer");
    assertEquals(addresses[1], dx.data().address(), "dx keeps its buffer");
    BatchNormTest.assertFewBytes("Dropout forward(true)", () -> dropout.forward(true));
    BatchNormTest.assertFewBytes("Dropout backward after training", dropout::backward);
    BatchNormTest.assertFewBytes("Dropout forward(false)", () -> dropout.forward(false));
    BatchNormTest.assertFewBytes("Dropout backward after inference", dropout::backward);
  }

  @Test
  void survivesGarbageCollectionOfItsMask() {
    INDArray x = Nd4j.ones(DataType.FLOAT, SHAPE);
    INDArray[] expected = masks(x, 5);
    INDArray y = Nd4j.create(DataType.FLOAT, SHAPE);
    INDArray dx = Nd4j.create(DataType.FLOAT, SHAPE);
    Dropout dropout = new Dropout(y, x, 0.5, 5).withGradients(dx, x);
    dropout.forward(true);
    BatchNormTest.collectGarbage(); // the mask and its NIO view belong to the kernel alone
    dropout.forward(true);
    dropout.backward();
    Reference.assertIdentical("second mask", expected[1], y);
    Reference.assertIdentical("dx = mask for dy = 1", expected[1], dx);
  }

  @Test
  void errorsNameTheProblem() {
    INDArray x = Nd4j.create(DataType.FLOAT, SHAPE);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Dropout(Nd4j.create(DataType.FLOAT, 2, 3, 5, 4), x, 0.5, 1));
    assertTrue(
        e.getMessage()
            .contains("y must have shape [2, 3, 4, 5] (the shape of x), but found [2, 3, 5, 4]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dropout(x, x, 1.5, 1));
    assertTrue(e.getMessage().contains("p must be in [0, 1], got 1.5"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Dropout(Nd4j.create(DataType.DOUBLE, SHAPE), x, 0.5, 1));
    assertTrue(e.getMessage().contains("x is FLOAT and y is DOUBLE"), e.getMessage());
    var s = assertThrows(IllegalStateException.class, new Dropout(x, x, 0.5, 1)::backward);
    assertTrue(s.getMessage().contains("withGradients(dx, dy)"), s.getMessage());
  }

  private static INDArray[] masks(INDArray ones, long seed) {
    INDArray y = Nd4j.create(ones.dataType(), ones.shape());
    Dropout dropout = new Dropout(y, ones, 0.5, seed);
    dropout.forward(true);
    INDArray first = y.dup();
    dropout.forward(true);
    return new INDArray[] {first, y.dup()};
  }
}
