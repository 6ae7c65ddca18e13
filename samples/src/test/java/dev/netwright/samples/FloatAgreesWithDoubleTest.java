package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The FLOAT networks run through oneDNN; the DOUBLE ones, which the gradient checks use, through
 * ND4J's generic code. Same weights, same batch: loss and every gradient must agree, so the
 * gradient checks speak for the networks that train.
 */
class FloatAgreesWithDoubleTest {
  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of(
            "SimpleNet",
            (LongFunction<Model>) s -> new SimpleNetModel(DataType.FLOAT, s),
            (LongFunction<Model>) s -> new SimpleNetModel(DataType.DOUBLE, s)),
        Arguments.of(
            "InceptionNet",
            (LongFunction<Model>) s -> new InceptionNetModel(DataType.FLOAT, s),
            (LongFunction<Model>) s -> new InceptionNetModel(DataType.DOUBLE, s)),
        Arguments.of(
            "ResNet",
            (LongFunction<Model>) s -> new ResNetModel(DataType.FLOAT, s),
            (LongFunction<Model>) s -> new ResNetModel(DataType.DOUBLE, s)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void lossAndGradientsAgree(String name, LongFunction<Model> floats, LongFunction<Model> doubles) {
    Model f = floats.apply(3);
    Model d = doubles.apply(3);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 1, 28, 28).subi(0.3).muli(2);
    INDArray y = GradientCheck.labels(d, 16, 4);
    f.forward(x.castTo(DataType.FLOAT));
    d.forward(x);
    double lossF = f.loss(y.castTo(DataType.FLOAT));
    double lossD = d.loss(y);
    assertEquals(lossD, lossF, 1e-4 * Math.abs(lossD), name + " loss");
    f.backward();
    d.backward();
    for (Parameter p : d.parameters().list()) {
      INDArray gd = p.gradient();
      INDArray gf = f.parameters().get(p.name()).gradient().castTo(DataType.DOUBLE);
      double scale = gd.norm2Number().doubleValue();
      double diff = gd.sub(gf).norm2Number().doubleValue();
      assertTrue(
          diff <= 1e-3 * scale + 1e-7,
          name + " " + p.name() + ": |float - double| = " + diff + " against |double| = " + scale);
    }
  }
}
