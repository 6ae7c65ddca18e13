package dev.netwright.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class EvaluationTest {
  // Six examples of three classes; argmax per row: 0, 1, 1, 2, 0 (tie 0/2: first wins), 2.
  private static final float[][] SCORES = {
    {2.0f, 1.0f, 0.0f},
    {0.1f, 0.9f, 0.0f},
    {-1f, 3f, 2f},
    {0f, 0f, 5f},
    {4f, 1f, 4f},
    {Float.NaN, 0f, 1f},
  };
  private static final int[] TRUTH = {0, 1, 2, 2, 1, 0};

  private static void assertKnownAnswer(Evaluation e) {
    assertEquals(6, e.count());
    assertEquals(3, e.correct());
    assertEquals(0.5, e.accuracy());
    assertArrayEquals(new long[][] {{1, 0, 1}, {1, 1, 0}, {0, 1, 1}}, e.confusionMatrix());
    assertEquals(0.5, e.accuracy(0));
    assertEquals(0.5, e.accuracy(1));
    assertEquals(0.5, e.accuracy(2));
    assertEquals(1, e.count(2, 1));
  }

  @Test
  void confusionMatrixAndAccuracyOfAHandMadeCase() {
    Evaluation e = new Evaluation(3);
    e.add(Nd4j.createFromArray(SCORES), TRUTH);
    assertKnownAnswer(e);
  }

  @Test
  void readsViewsAndDoublesByTheirStrides() {
    // The same scores as the transpose of a [3, 6] DOUBLE array, and as rows 1..6 of a bigger one.
    INDArray transposed =
        Nd4j.createFromArray(SCORES).castTo(DataType.DOUBLE).transpose().dup().transpose();
    assertFalse(transposed.stride(1) == 1);
    Evaluation a = new Evaluation(3);
    a.add(transposed, TRUTH);
    assertKnownAnswer(a);

    INDArray bigger = Nd4j.create(DataType.FLOAT, 8, 3).assign(100);
    bigger
        .get(NDArrayIndex.interval(1, 7), NDArrayIndex.all())
        .assign(Nd4j.createFromArray(SCORES));
    Evaluation b = new Evaluation(3);
    b.add(bigger.get(NDArrayIndex.interval(1, 7), NDArrayIndex.all()), TRUTH);
    assertKnownAnswer(b);
  }

  @Test
  void addsUpOverBatchesAndMarksAbsentClasses() {
    Evaluation e = new Evaluation(4);
    e.add(Nd4j.createFromArray(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}}), new int[] {0, 1});
    e.add(Nd4j.createFromArray(new float[][] {{0, 1, 0, 0}}), new int[] {0});
    assertEquals(3, e.count());
    assertEquals(2.0 / 3, e.accuracy(), 1e-12);
    assertEquals(0.5, e.accuracy(0));
    assertTrue(Double.isNaN(e.accuracy(3)));
    assertTrue(Double.isNaN(new Evaluation(2).accuracy()));
  }

  @Test
  void formatPrintsTheMatrixWithNames() {
    Evaluation e = new Evaluation(3);
    e.add(Nd4j.createFromArray(SCORES), TRUTH);
    String text = e.format(List.of("cat", "dog", "bird"));
    String expected =
        String.join(
            System.lineSeparator(),
            "accuracy 50.0% (3 of 6)",
            "true \\ predicted  0  1  2  accuracy",
            "0 cat             1  0  1     50.0%",
            "1 dog             1  1  0     50.0%",
            "2 bird            0  1  1     50.0%",
            "");
    assertEquals(expected, text);
    assertTrue(e.toString().contains("\n0  "), e.toString());
    assertEquals(e.toString(), e.format(null));
  }

  @Test
  void fashionMnistNamesFitTenClasses() {
    Evaluation e = new Evaluation(10);
    String text = e.format(ClassNames.FASHION_MNIST);
    assertTrue(text.contains("9 Ankle boot"), text);
    assertTrue(text.startsWith("accuracy - (0 of 0)"), text);
  }

  @Test
  void mistakesAreExplained() {
    Evaluation e = new Evaluation(3);
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> e.add(Nd4j.create(DataType.FLOAT, 2, 4), new int[] {0, 1}));
    assertEquals(
        "expected the network's output to be [2, 3] (one row of class scores per example) but it is [2, 4]",
        shape.getMessage());
    IllegalArgumentException truth =
        assertThrows(
            IllegalArgumentException.class,
            () -> e.add(Nd4j.create(DataType.FLOAT, 1, 3), new int[] {3}));
    assertEquals("true class 3 of row 0 is outside [0, 3)", truth.getMessage());
    assertThrows(IllegalArgumentException.class, () -> e.format(List.of("a", "b")));
  }

  @Test
  void evaluatesAModelOverALoaderInInferenceMode() {
    // 1×1×3 images through w = identity, b = 0: the prediction is the brightest pixel.
    float[] pixels = {
      9, 0, 0, // class 0, predicted 0
      0, 9, 0, // class 0, predicted 1
      0, 9, 0, // class 1, predicted 1
      0, 0, 9, // class 1, predicted 2
      0, 0, 9, // class 2, predicted 2
    };
    Dataset data = Dataset.of(1, 1, 3, 3, pixels, new int[] {0, 0, 1, 1, 2});
    SoftmaxRegression model = new SoftmaxRegression(1, 1, 3, 3, 1);
    model.parameters().get("fc.weight").value().assign(Nd4j.eye(3));
    model.parameters().get("fc.bias").value().assign(0);
    Evaluation e;
    try (BatchLoader loader = new BatchLoader(data, 2, true, 3, DataType.FLOAT)) {
      e = Evaluation.of(model, loader);
    }
    assertFalse(model.training);
    assertArrayEquals(new long[][] {{1, 1, 0}, {0, 1, 1}, {0, 0, 1}}, e.confusionMatrix());
    assertEquals(0.6, e.accuracy(), 1e-12);
  }
}
