package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Naive nested-loop references in double precision, written from the definitions (PyTorch /
 * TensorFlow semantics) without using Window's own padding arithmetic, plus seeded test data.
 */
final class Reference {
  private Reference() {}

  /** Uniform values in [-1, 1) from a seeded java.util.Random, independent of ND4J's generator. */
  static INDArray random(DataType type, long seed, long... shape) {
    Random r = new Random(seed);
    double[] v = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
  }

  /**
   * Distinct values at least 0.01 apart and at least 0.005 from zero, shuffled: max pooling and
   * ReLU then have no ties or kinks within a finite-difference step.
   */
  static INDArray distinct(long seed, long... shape) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i - n / 2) * 0.01 + 0.005;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  /** Padding before the input along one axis: explicit p, or TensorFlow SAME's floor(total/2). */
  static long padBefore(long in, int k, int s, int p, boolean same) {
    if (!same) {
      return p;
    }
    long out = (in + s - 1) / s;
    return Math.max(0, (out - 1) * s + k - in) / 2;
  }

  static long outSize(long in, int k, int s, int p, boolean same) {
    return same ? (in + s - 1) / s : (in + 2L * p - k) / s + 1;
  }

  /**
   * y[n,o,i,j] = b[o] + sum w[o,c,a,d] * x[n,g·C/G+c,i*sH+a-top,j*sW+d-left] over in-range
   * positions and the C/G = w.size(1) input channels of o's group g = o / (O/G) (one group when w
   * has all of x's channels).
   */
  static INDArray conv(INDArray x, INDArray w, INDArray b, Window win) {
    long n = x.size(0);
    long h = x.size(2);
    long wd = x.size(3);
    long o = w.size(0);
    long c = w.size(1);
    long perGroup = o / (x.size(1) / c);
    long oH = outSize(h, win.kH(), win.sH(), win.pH(), win.same());
    long oW = outSize(wd, win.kW(), win.sW(), win.pW(), win.same());
    long top = padBefore(h, win.kH(), win.sH(), win.pH(), win.same());
    long left = padBefore(wd, win.kW(), win.sW(), win.pW(), win.same());
    INDArray y = Nd4j.create(DataType.DOUBLE, n, o, oH, oW);
    for (long in = 0; in < n; in++) {
      for (long oc = 0; oc < o; oc++) {
        for (long i = 0; i < oH; i++) {
          for (long j = 0; j < oW; j++) {
            double s = b == null ? 0 : b.getDouble(oc);
            for (long ic = 0; ic < c; ic++) {
              for (int a = 0; a < win.kH(); a++) {
                for (int d = 0; d < win.kW(); d++) {
                  long r = i * win.sH() + a - top;
                  long q = j * win.sW() + d - left;
                  if (r >= 0 && r < h && q >= 0 && q < wd) {
                    s += w.getDouble(oc, ic, a, d) * x.getDouble(in, oc / perGroup * c + ic, r, q);
                  }
                }
              }
            }
            y.putScalar(new long[] {in, oc, i, j}, s);
          }
        }
      }
    }
    return y;
  }

  /**
   * Max or average pooling; padded positions never win a max and count towards an average's divisor
   * only when includePadding (windows always lie inside the padded input here).
   */
  static INDArray pool(INDArray x, Window win, boolean max, boolean includePadding) {
    long h = x.size(2);
    long wd = x.size(3);
    long oH = outSize(h, win.kH(), win.sH(), win.pH(), win.same());
    long oW = outSize(wd, win.kW(), win.sW(), win.pW(), win.same());
    long top = padBefore(h, win.kH(), win.sH(), win.pH(), win.same());
    long left = padBefore(wd, win.kW(), win.sW(), win.pW(), win.same());
    INDArray y = Nd4j.create(DataType.DOUBLE, x.size(0), x.size(1), oH, oW);
    for (long n = 0; n < x.size(0); n++) {
      for (long c = 0; c < x.size(1); c++) {
        for (long i = 0; i < oH; i++) {
          for (long j = 0; j < oW; j++) {
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int count = 0;
            for (int a = 0; a < win.kH(); a++) {
              for (int d = 0; d < win.kW(); d++) {
                long r = i * win.sH() + a - top;
                long q = j * win.sW() + d - left;
                if (r >= 0 && r < h && q >= 0 && q < wd) {
                  double v = x.getDouble(n, c, r, q);
                  best = Math.max(best, v);
                  sum += v;
                  count++;
                }
              }
            }
            double divisor = includePadding ? win.kH() * win.kW() : count;
            y.putScalar(new long[] {n, c, i, j}, max ? best : sum / divisor);
          }
        }
      }
    }
    return y;
  }

  /** y[n,u] = b[u] + sum_f x[n,f] * w[u,f]. */
  static INDArray dense(INDArray x, INDArray w, INDArray b) {
    INDArray y = Nd4j.create(DataType.DOUBLE, x.size(0), w.size(0));
    for (long n = 0; n < x.size(0); n++) {
      for (long u = 0; u < w.size(0); u++) {
        double s = b == null ? 0 : b.getDouble(u);
        for (long f = 0; f < x.size(1); f++) {
          s += x.getDouble(n, f) * w.getDouble(u, f);
        }
        y.putScalar(n, u, s);
      }
    }
    return y;
  }

  /** Mean over rows of -sum_k labels * log(softmax(logits)), via log-sum-exp. */
  static double softmaxCrossEntropy(INDArray logits, INDArray labels) {
    double total = 0;
    for (long n = 0; n < logits.size(0); n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (long k = 0; k < logits.size(1); k++) {
        max = Math.max(max, logits.getDouble(n, k));
      }
      double sum = 0;
      for (long k = 0; k < logits.size(1); k++) {
        sum += Math.exp(logits.getDouble(n, k) - max);
      }
      for (long k = 0; k < logits.size(1); k++) {
        total -= labels.getDouble(n, k) * (logits.getDouble(n, k) - max - Math.log(sum));
      }
    }
    return total / logits.size(0);
  }

  /** One-hot rows: row n has its 1 at class (seed + 3n) mod K. */
  static INDArray oneHot(DataType type, long seed, int rows, int classes) {
    INDArray labels = Nd4j.create(type, rows, classes);
    for (int n = 0; n < rows; n++) {
      labels.putScalar(n, (int) ((seed + 3L * n) % classes), 1.0);
    }
    return labels;
  }

  /** Asserts equal shapes and |a - e| <= tolerance * max(1, |e|) element by element. */
  static void assertClose(String what, INDArray expected, INDArray actual, double tolerance) {
    assertEquals(
        Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
    INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
    INDArray a = actual.castTo(DataType.DOUBLE).dup().reshape(actual.length());
    for (long i = 0; i < e.length(); i++) {
      double ev = e.getDouble(i);
      double av = a.getDouble(i);
      if (!(Math.abs(av - ev) <= tolerance * Math.max(1, Math.abs(ev)))) {
        fail(
            what
                + ": element "
                + i
                + " expected "
                + ev
                + " but was "
                + av
                + " (tolerance "
                + tolerance
                + ")");
      }
    }
  }

  /** Asserts bit-for-bit equal values (repeated calls on the same inputs must not drift). */
  static void assertIdentical(String what, INDArray expected, INDArray actual) {
    assertEquals(
        Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
    assertEquals(0.0, expected.sub(actual).amaxNumber().doubleValue(), 0.0, what + " differs");
  }
}
