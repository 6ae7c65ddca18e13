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

/** The SigmoidCrossEntropy and MeanSquaredError heads. */
@ExtendWith(SingleThreaded.class)
class LossesTest {
  private static final long[][] SHAPES = {{5, 1}, {3, 4}};

  @Test
  void sigmoidCrossEntropyMatchesNaiveReference() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (long[] shape : SHAPES) {
        INDArray logits = Reference.random(type, 1, shape).muli(5);
        INDArray labels = bits(type, 2, shape);
        INDArray probs = Nd4j.create(type, shape);
        double loss = new SigmoidCrossEntropy(probs, logits).forward(labels);
        INDArray z = logits.castTo(DataType.DOUBLE);
        assertEquals(
            binaryCrossEntropy(z, labels.castTo(DataType.DOUBLE)),
            loss,
            type == DataType.DOUBLE ? 1e-14 : 1e-6,
            "loss " + type);
        for (long i = 0; i < z.length(); i++) {
          assertEquals(
              1 / (1 + Math.exp(-z.getDouble(i))),
              probs.getDouble(i),
              type == DataType.DOUBLE ? 1e-15 : 1e-7,
              "probs " + type);
        }
      }
    }
  }

  @Test
  void sigmoidCrossEntropyOfExtremeLogitsIsFiniteAndExact() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      // Confidently wrong (cost 100 each), confidently right (cost e^-100) and beyond float's exp.
      INDArray logits =
          Nd4j.createFromArray(new double[][] {{100}, {-100}, {100}, {-100}, {1000}}).castTo(type);
      INDArray labels = Nd4j.createFromArray(new double[][] {{0}, {1}, {1}, {0}, {0}}).castTo(type);
      INDArray dlogits = Nd4j.create(type, 5, 1);
      SigmoidCrossEntropy head =
          new SigmoidCrossEntropy(Nd4j.create(type, 5, 1), logits).withGradients(dlogits);
      double loss = head.forward(labels);
      assertEquals((100 + 100 + 2 * Math.exp(-100) + 1000) / 5, loss, 1e-12, type.toString());
      head.backward();
      Reference.assertClose(
          "dlogits " + type,
          Nd4j.createFromArray(new double[][] {{0.2}, {-0.2}, {0}, {0}, {0.2}}),
          dlogits,
          type == DataType.DOUBLE ? 1e-15 : 1e-7);
    }
  }

  @Test
  void sigmoidCrossEntropyGradientMatchesCentralDifferencesOfTheReturnedLoss() {
    for (long[] shape : SHAPES) {
      INDArray logits = Reference.random(DataType.DOUBLE, 3, shape).muli(4);
      INDArray labels = bits(DataType.DOUBLE, 4, shape);
      INDArray dlogits = Nd4j.valueArrayOf(shape, 1e3, DataType.DOUBLE);
      SigmoidCrossEntropy head =
          new SigmoidCrossEntropy(Nd4j.create(DataType.DOUBLE, shape), logits)
              .withGradients(dlogits);
      head.forward(labels);
      head.backward();
      GradCheck.compare(
          "sigmoid cross-entropy",
          () -> head.forward(labels),
          1e-5,
          new Param("logits", logits, dlogits));
    }
  }

  @Test
  void meanSquaredErrorMatchesNaiveReference() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (long[] shape : SHAPES) {
        INDArray predictions = Reference.random(type, 5, shape).muli(3);
        INDArray targets = Reference.random(type, 6, shape);
        INDArray d = Nd4j.create(type, shape);
        MeanSquaredError head = new MeanSquaredError(predictions).withGradients(d);
        double loss = head.forward(targets);
        head.backward();
        double sum = 0;
        for (long i = 0; i < predictions.length(); i++) {
          double e = predictions.getDouble(i) - targets.getDouble(i);
          sum += e * e;
          assertEquals(
              2 * e / predictions.length(), d.getDouble(i), type == DataType.DOUBLE ? 1e-15 : 1e-7);
        }
        assertEquals(sum / predictions.length(), loss, 1e-14, "loss " + type);
      }
    }
  }

  @Test
  void meanSquaredErrorGradientMatchesCentralDifferencesOfTheReturnedLoss() {
    for (long[] shape : SHAPES) {
      INDArray predictions = Reference.random(DataType.DOUBLE, 7, shape).muli(3);
      INDArray targets = Reference.random(DataType.DOUBLE, 8, shape);
      INDArray d = Nd4j.valueArrayOf(shape, 1e3, DataType.DOUBLE);
      MeanSquaredError head = new MeanSquaredError(predictions).withGradients(d);
      head.forward(targets);
      head.backward();
      GradCheck.compare(
          "mean squared error",
          () -> head.forward(targets),
          1e-5,
          new Param("predictions", predictions, d));
    }
  }

  @Test
  void floatAgreesWithDouble() {
    double[] losses = new double[4];
    INDArray[] gradients = new INDArray[4];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      INDArray logits = Reference.random(types[t], 9, 8, 3).muli(6);
      INDArray labels = bits(types[t], 10, 8, 3);
      gradients[t] = Nd4j.create(types[t], 8, 3);
      SigmoidCrossEntropy bce =
          new SigmoidCrossEntropy(Nd4j.create(types[t], 8, 3), logits).withGradients(gradients[t]);
      losses[t] = bce.forward(labels);
      bce.backward();
      gradients[2 + t] = Nd4j.create(types[t], 8, 3);
      MeanSquaredError mse = new MeanSquaredError(logits).withGradients(gradients[2 + t]);
      losses[2 + t] = mse.forward(labels);
      mse.backward();
    }
    assertEquals(losses[0], losses[1], 1e-6, "sigmoid cross-entropy");
    assertEquals(losses[2], losses[3], 1e-5, "mean squared error");
    Reference.assertClose("dlogits", gradients[0], gradients[1], 1e-7);
    Reference.assertClose("dpredictions", gradients[2], gradients[3], 1e-6);
  }

  @Test
  void nanGivesNan() {
    INDArray bad = Nd4j.createFromArray(new float[][] {{0, Float.NaN}});
    INDArray labels = Nd4j.createFromArray(new float[][] {{0, 1}});
    assertTrue(
        Double.isNaN(
            new SigmoidCrossEntropy(Nd4j.create(DataType.FLOAT, 1, 2), bad).forward(labels)));
    assertTrue(Double.isNaN(new MeanSquaredError(bad).forward(labels)));
  }

  @Test
  void labelsMayBeARowBlockOfALargerBuffer() {
    INDArray all = bits(DataType.DOUBLE, 11, 9, 2);
    INDArray batch = all.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
    INDArray logits = Reference.random(DataType.DOUBLE, 12, 3, 2);
    double expected = binaryCrossEntropy(logits, batch.dup());
    assertEquals(
        expected,
        new SigmoidCrossEntropy(Nd4j.create(DataType.DOUBLE, 3, 2), logits).forward(batch),
        1e-15);
    assertEquals(
        logits.sub(batch).norm2Number().doubleValue()
            * logits.sub(batch).norm2Number().doubleValue()
            / 6,
        new MeanSquaredError(logits).forward(batch),
        1e-15);
  }

  @Test
  void writesIntoTheGivenBuffersRepeatsExactlyAndAllocatesNothing() {
    INDArray logits = Reference.random(DataType.FLOAT, 13, 64, 1);
    INDArray labels = bits(DataType.FLOAT, 14, 64, 1);
    INDArray probs = Nd4j.create(DataType.FLOAT, 64, 1);
    INDArray dlogits = Nd4j.create(DataType.FLOAT, 64, 1);
    INDArray dpredictions = Nd4j.create(DataType.FLOAT, 64, 1);
    SigmoidCrossEntropy bce = new SigmoidCrossEntropy(probs, logits).withGradients(dlogits);
    MeanSquaredError mse = new MeanSquaredError(logits).withGradients(dpredictions);
    long[] addresses = {
      probs.data().address(), dlogits.data().address(), dpredictions.data().address()
    };
    double[] first = {bce.forward(labels), mse.forward(labels)};
    bce.backward();
    mse.backward();
    INDArray[] once = {probs.dup(), dlogits.dup(), dpredictions.dup()};
    assertEquals(first[0], bce.forward(labels), 0.0);
    assertEquals(first[1], mse.forward(labels), 0.0);
    bce.backward();
    mse.backward();
    assertEquals(addresses[0], probs.data().address());
    assertEquals(addresses[1], dlogits.data().address());
    assertEquals(addresses[2], dpredictions.data().address());
    Reference.assertIdentical("probs", once[0], probs);
    Reference.assertIdentical("dlogits (overwritten, not accumulated)", once[1], dlogits);
    Reference.assertIdentical("dpredictions (overwritten, not accumulated)", once[2], dpredictions);
    BatchNormTest.assertFewBytes("SigmoidCrossEntropy forward", () -> bce.forward(labels));
    BatchNormTest.assertFewBytes("SigmoidCrossEntropy backward", bce::backward);
    BatchNormTest.assertFewBytes("MeanSquaredError forward", () -> mse.forward(labels));
    BatchNormTest.assertFewBytes("MeanSquaredError backward", mse::backward);
  }

  @Test
  void errorsNameTheProblem() {
    DataType f = DataType.FLOAT;
    INDArray logits = Nd4j.create(f, 4, 1);
    SigmoidCrossEntropy bce = new SigmoidCrossEntropy(Nd4j.create(f, 4, 1), logits);
    var e = assertThrows(IllegalArgumentException.class, () -> bce.forward(Nd4j.create(f, 4)));
    assertTrue(
        e.getMessage().contains("labels must be FLOAT[4, 1] like probs, but found FLOAT[4]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SigmoidCrossEntropy(Nd4j.create(f, 1, 4), logits));
    assertTrue(
        e.getMessage()
            .contains("probs must have shape [4, 1] (the shape of logits), but found [1, 4]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SigmoidCrossEntropy(Nd4j.create(f, 2, 3), Nd4j.create(f, 3, 2).transpose()));
    assertTrue(
        e.getMessage().contains("logits must be a contiguous c-order array"), e.getMessage());
    var s = assertThrows(IllegalStateException.class, bce::backward);
    assertTrue(s.getMessage().contains("withGradients(dlogits)"), s.getMessage());
    bce.withGradients(Nd4j.create(f, 4, 1));
    s = assertThrows(IllegalStateException.class, bce::backward);
    assertTrue(s.getMessage().contains("call forward first"), s.getMessage());
    MeanSquaredError mse = new MeanSquaredError(logits);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> mse.forward(Nd4j.create(DataType.DOUBLE, 4, 1)));
    assertTrue(
        e.getMessage()
            .contains("targets must be FLOAT[4, 1] like predictions, but found DOUBLE[4, 1]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MeanSquaredError(Nd4j.create(f, 4)));
    assertTrue(
        e.getMessage().contains("predictions must have rank 2 [N, K], but found shape [4]"),
        e.getMessage());
    s = assertThrows(IllegalStateException.class, mse::backward);
    assertTrue(s.getMessage().contains("withGradients(dpredictions)"), s.getMessage());
    mse.withGradients(Nd4j.create(f, 4, 1));
    s = assertThrows(IllegalStateException.class, mse::backward);
    assertTrue(s.getMessage().contains("call forward first"), s.getMessage());
  }

  /** Labels 0 or 1 from a seeded Random. */
  private static INDArray bits(DataType type, long seed, long... shape) {
    java.util.Random r = new java.util.Random(seed);
    INDArray labels = Nd4j.create(type, shape);
    for (long i = 0; i < labels.length(); i++) {
      labels.putScalar(i, r.nextBoolean() ? 1 : 0);
    }
    return labels;
  }

  /** Mean of -[y·log σ(z) + (1-y)·log(1-σ(z))] in the textbook form (fine for moderate z). */
  private static double binaryCrossEntropy(INDArray z, INDArray y) {
    double sum = 0;
    for (long i = 0; i < z.length(); i++) {
      double p = 1 / (1 + Math.exp(-z.getDouble(i)));
      sum -= y.getDouble(i) * Math.log(p) + (1 - y.getDouble(i)) * Math.log(1 - p);
    }
    return sum / z.length();
  }
}
