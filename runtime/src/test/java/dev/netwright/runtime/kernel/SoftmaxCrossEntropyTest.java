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
class SoftmaxCrossEntropyTest {
  @Test
  void forwardMatchesNaiveReference() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray logits = Reference.random(type, 1, 3, 5).muli(4);
      INDArray labels = Reference.oneHot(type, 2, 3, 5);
      INDArray probs = Nd4j.create(type, 3, 5);
      double loss = new SoftmaxCrossEntropy(probs, logits).forward(labels);
      INDArray d = logits.castTo(DataType.DOUBLE);
      assertEquals(
          Reference.softmaxCrossEntropy(d, labels.castTo(DataType.DOUBLE)),
          loss,
          type == DataType.DOUBLE ? 1e-12 : 1e-5,
          "loss " + type);
      for (long n = 0; n < 3; n++) {
        double sum = 0;
        for (long k = 0; k < 5; k++) {
          sum += Math.exp(d.getDouble(n, k));
        }
        for (long k = 0; k < 5; k++) {
          assertEquals(
              Math.exp(d.getDouble(n, k)) / sum,
              probs.getDouble(n, k),
              type == DataType.DOUBLE ? 1e-14 : 1e-6,
              "probs " + type);
        }
      }
    }
  }

  @Test
  void gradientMatchesCentralDifferencesOfTheReturnedLoss() {
    INDArray logits = Reference.random(DataType.DOUBLE, 3, 3, 5).muli(3);
    INDArray labels = Reference.oneHot(DataType.DOUBLE, 1, 3, 5);
    INDArray probs = Nd4j.create(DataType.DOUBLE, 3, 5);
    INDArray dlogits = Nd4j.valueArrayOf(new long[] {3, 5}, 1e3, DataType.DOUBLE);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(probs, logits).withGradients(dlogits);
    loss.forward(labels);
    loss.backward();
    GradCheck.compare(
        "softmax cross-entropy",
        () -> loss.forward(labels),
        1e-5,
        new Param("logits", logits, dlogits));
  }

  @Test
  void confidentWrongAnswerGivesALargeFiniteLoss() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray logits = Nd4j.create(new double[][] {{0, 1000, 0}, {0, 0, 0}}).castTo(type);
      INDArray labels = Reference.oneHot(type, 0, 2, 3); // the first row's answer is class 0
      double loss = new SoftmaxCrossEntropy(Nd4j.create(type, 2, 3), logits).forward(labels);
      double capped = -Math.log(SoftmaxCrossEntropy.MIN_PROBABILITY);
      assertEquals((capped + Math.log(3)) / 2, loss, 1e-5, type.toString());
    }
  }

  @Test
  void nanLogitsGiveNanLoss() {
    INDArray logits = Nd4j.create(new float[][] {{0, 1, 2}, {0, Float.NaN, 0}});
    double loss =
        new SoftmaxCrossEntropy(Nd4j.create(DataType.FLOAT, 2, 3), logits)
            .forward(Reference.oneHot(DataType.FLOAT, 0, 2, 3));
    assertTrue(Double.isNaN(loss), "loss " + loss);
  }

  @Test
  void labelsMayBeARowBlockOfALargerBuffer() {
    INDArray all = Reference.oneHot(DataType.DOUBLE, 4, 9, 5);
    INDArray batch = all.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
    INDArray logits = Reference.random(DataType.DOUBLE, 5, 3, 5);
    INDArray dlogits = Nd4j.create(DataType.DOUBLE, 3, 5);
    INDArray probs = Nd4j.create(DataType.DOUBLE, 3, 5);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(probs, logits).withGradients(dlogits);
    assertEquals(Reference.softmaxCrossEntropy(logits, batch.dup()), loss.forward(batch), 1e-12);
    loss.backward();
    Reference.assertClose("dlogits", probs.sub(batch.dup()).divi(3), dlogits, 1e-15);
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    INDArray logits = Reference.random(DataType.FLOAT, 6, 4, 10);
    INDArray labels = Reference.oneHot(DataType.FLOAT, 3, 4, 10);
    INDArray probs = Nd4j.create(DataType.FLOAT, 4, 10);
    INDArray dlogits = Nd4j.create(DataType.FLOAT, 4, 10);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(probs, logits).withGradients(dlogits);
    double first = loss.forward(labels);
    loss.backward();
    INDArray[] once = {probs.dup(), dlogits.dup()};
    assertEquals(first, loss.forward(labels), 0.0);
    loss.backward();
    Reference.assertIdentical("probs", once[0], probs);
    Reference.assertIdentical("dlogits (overwritten, not accumulated)", once[1], dlogits);
  }

  @Test
  void errorsNameTheProblem() {
    INDArray logits = Nd4j.create(DataType.FLOAT, 4, 10);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(Nd4j.create(DataType.FLOAT, 4, 10), logits);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> loss.forward(Nd4j.create(DataType.DOUBLE, 4, 10)));
    assertTrue(
        e.getMessage().contains("labels must be FLOAT[4, 10] like probs, but found DOUBLE[4, 10]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SoftmaxCrossEntropy(Nd4j.create(DataType.FLOAT, 10, 4), logits));
    assertTrue(e.getMessage().contains("probs must have shape [4, 10]"), e.getMessage());
    var s = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(s.getMessage().contains("withGradients(dlogits)"), s.getMessage());
    loss.withGradients(Nd4j.create(DataType.FLOAT, 4, 10));
    s = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(s.getMessage().contains("call forward first"), s.getMessage());
  }
}
