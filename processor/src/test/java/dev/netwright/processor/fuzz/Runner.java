package dev.netwright.processor.fuzz;

import com.google.testing.compile.Compilation;
import dev.netwright.processor.fuzz.Harness.Case;
import dev.netwright.processor.fuzz.Shapes.Shape;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.tools.JavaFileObject;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs generated networks: loads their classes from a compilation's class files, checks the shape
 * (and finiteness) of {@code forward} at batch 2, and checks {@code backward} against central
 * differences of the loss in double precision, as samples' GradientCheck does.
 */
final class Runner {
  /**
   * Defines classes from the class files a compilation wrote, over the test class path. It copies
   * their bytes: a compilation's file objects reach its whole javac context (trees, symbols, the
   * class path's open jars), and keeping them for the networks to run later ran a long fuzz of nine
   * seeds out of a 4 GB heap.
   */
  static final class MemoryClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes = new HashMap<>();

    MemoryClassLoader(Compilation c, ClassLoader parent) {
      super(parent);
      for (JavaFileObject f : c.generatedFiles()) {
        String path = f.toUri().getPath();
        int at = path.indexOf("/CLASS_OUTPUT/");
        if (f.getKind() == JavaFileObject.Kind.CLASS && at >= 0) {
          String name =
              path.substring(at + "/CLASS_OUTPUT/".length(), path.length() - ".class".length());
          try (InputStream in = f.openInputStream()) {
            classes.put(name.replace('/', '.'), in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  Model load(Case k, ClassLoader loader, DataType dtype) throws ReflectiveOperationException {
    Class<?> type = loader.loadClass(Renderer.PACKAGE + "." + k.net().name + "Model");
    return (Model) type.getConstructor(DataType.class, long.class).newInstance(dtype, k.seed());
  }

  /**
   * Null when forward gives [2, the oracle's output shape] of finite numbers, else what is wrong.
   */
  String forward(Case k, ClassLoader c) throws ReflectiveOperationException {
    Model m = load(k, c, DataType.FLOAT);
    Ast.Net net = k.net();
    Nd4j.getRandom().setSeed(k.seed());
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, net.channels, net.height, net.width);
    long[] expected = batchShape(k.verdict().output);
    for (boolean training : new boolean[] {true, false}) {
      m.setTraining(training);
      INDArray y = m.forward(x);
      if (!Arrays.equals(y.shape(), expected)) {
        return "forward (training "
            + training
            + ") gives "
            + Arrays.toString(y.shape())
            + ", expected "
            + Arrays.toString(expected);
      }
      for (double d : y.dup().data().asDouble()) {
        if (!Double.isFinite(d)) {
          return "forward (training " + training + ") gives " + d + " in " + y;
        }
      }
    }
    return null;
  }

  private static long[] batchShape(Shape s) {
    return s.flat() ? new long[] {2, s.c()} : new long[] {2, s.c(), s.h(), s.w()};
  }

  /**
   * Null when backward agrees with central differences on up to {@code perTensor} entries of every
   * parameter, else the first disagreement.
   */
  String gradients(Case k, ClassLoader c, int perTensor) throws ReflectiveOperationException {
    Model m = load(k, c, DataType.DOUBLE);
    Ast.Net net = k.net();
    Nd4j.getRandom().setSeed(k.seed());
    INDArray x =
        Nd4j.rand(DataType.DOUBLE, 2, net.channels, net.height, net.width).subi(0.5).muli(4);
    long[] out = batchShape(k.verdict().output);
    INDArray target = target(m, out, k.seed());
    boolean own = m.head() == dev.netwright.runtime.model.HeadType.NONE;
    loss(m, x, target, own);
    if (own) {
      m.backward(target);
    } else {
      m.backward();
    }
    INDArray analytic = m.parameters().gradients().dup();
    double base = loss(m, x, target, own);
    SplittableRandom r = new SplittableRandom(k.seed());
    for (Parameter p : m.parameters().list()) {
      INDArray flat = p.value().reshape(p.length());
      int count = (int) Math.min(perTensor, p.length());
      for (int j = 0; j < count; j++) {
        long i = count == p.length() ? j : r.nextLong(p.length());
        double exact = analytic.getDouble(p.offset() + i);
        double error = Double.MAX_VALUE;
        double numeric = 0;
        // A step across a ReLU kink or a max-pool tie spoils one step size, not all three. Sitting
        // on a kink (a ReLU of exactly 0: a zero bias on a zero input, a batch norm of a constant
        // channel with its zero shift) there is no derivative: backward must then give a slope
        // between the one-sided ones (at a smooth point they pinch the derivative).
        for (double eps : new double[] {1e-6, 1e-5, 1e-7}) {
          double old = flat.getDouble(i);
          flat.putScalar(i, old + eps);
          double plus = loss(m, x, target, own);
          flat.putScalar(i, old - eps);
          double minus = loss(m, x, target, own);
          flat.putScalar(i, old);
          numeric = (plus - minus) / (2 * eps);
          error = Math.min(error, relative(exact, numeric));
          double right = (plus - base) / eps;
          double left = (base - minus) / eps;
          double outside =
              Math.max(0, Math.max(Math.min(left, right) - exact, exact - Math.max(left, right)));
          error = Math.min(error, outside / Math.max(1e-4, Math.abs(exact) + Math.abs(numeric)));
          if (error < 1e-4) {
            break;
          }
        }
        if (error >= 1e-4) {
          return String.format(
              "%s[%d]: backward gives %.10g, central differences %.10g (relative error %.2g)",
              p.name(), i, exact, numeric, error);
        }
      }
    }
    return null;
  }

  /** Relative error, held to an absolute 1e-4 scale near zero as samples' GradientCheck does. */
  private static double relative(double a, double b) {
    return Math.abs(a - b) / Math.max(1e-4, Math.abs(a) + Math.abs(b));
  }

  /** Labels for the head, or the fixed output weights R of the loss sum(y * R) without one. */
  private static INDArray target(Model m, long[] out, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    switch (m.head()) {
      case SOFTMAX_CROSS_ENTROPY:
        {
          INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, m.classes());
          for (int i = 0; i < 2; i++) {
            y.putScalar(i, r.nextInt(m.classes()), 1.0);
          }
          return y;
        }
      case SIGMOID_BINARY_CROSS_ENTROPY:
        {
          INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 1);
          y.putScalar(0, 0, 1.0);
          return y;
        }
      default:
        {
          INDArray y = Nd4j.create(DataType.DOUBLE, out);
          INDArray flat = y.reshape(y.length());
          for (long i = 0; i < y.length(); i++) {
            flat.putScalar(i, r.nextDouble() * 2 - 1);
          }
          return y;
        }
    }
  }

  private static double loss(Model m, INDArray x, INDArray target, boolean own) {
    INDArray y = m.forward(x);
    return own ? y.castTo(DataType.DOUBLE).mul(target).sumNumber().doubleValue() : m.loss(target);
  }
}
