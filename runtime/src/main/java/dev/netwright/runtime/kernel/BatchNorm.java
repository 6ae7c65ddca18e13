package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization over channels of NCHW x (or features of [N, F]): PyTorch's BatchNorm2d/1d.
 */
public final class BatchNorm extends Kernel {
  private static final String NAME = "BatchNorm";
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final INDArray x;
  private final INDArray gamma;
  private final INDArray beta;
  private final INDArray runningMean;
  private final INDArray runningVar;
  private final double momentum;
  private final double eps;
  private final long channels;
  private final long count; // elements per channel: N (rank 2) or N*H*W
  private final long[] broadcast; // [1, C, 1, 1] or [1, C]
  // Per-channel statistics of the last forward and the coefficients derived from them: [C] each.
  private final INDArray mean;
  private final INDArray invStd;
  private final INDArray scale;
  private final INDArray shift;
  private final INDArray sums;
  // Backward's per-channel coefficients: dx = scale·(dy + slope·(x - mean) + offset).
  private final INDArray slope;
  private final INDArray offset;
  // x - mean of the last training forward, which backward needs (after an inference forward,
  // backward recomputes it from the running mean); the shape of x.
  private final INDArray centered;
  private final PreparedOp[] sumOfX;
  private final PreparedOp center;
  private final PreparedOp square;
  private final PreparedOp[] sumOfSquares;
  private final PreparedOp[] normalize;
  private final PreparedOp[] affine;
  private boolean training;
  // Null until withGradients; the ops keep their native contexts reachable.
  private INDArray dgamma;
  private INDArray sumOfDy;
  private INDArray sumOfDyX;
  private PreparedOp[] sumsOfDy;
  private PreparedOp[] trainingBackward;
  private PreparedOp[] inferenceBackward;

  /**
   * gamma, beta [C] learnable (either may be null: no scale/shift); runningMean, runningVar [C]
   * buffers updated in training as PyTorch: r = (1-momentum)·r + momentum·batch, with the UNBIASED
   * batch variance (×N/(N−1), N = elements per channel) for runningVar; normalisation uses the
   * biased batch variance; eps e.g. 1e-5. y must not be x. The [C] vectors are read and written
   * from Java, so they must be dense (stride 1), as Parameters' views are.
   */
  public BatchNorm(
      INDArray y,
      INDArray x,
      INDArray gamma,
      INDArray beta,
      INDArray runningMean,
      INDArray runningVar,
      double momentum,
      double eps) {
    super(NAME, "dx", "dgamma", "dbeta", "dy");
    Checks.present(NAME, "x", x);
    if (x.rank() != 2 && x.rank() != 4) {
      throw new IllegalArgumentException(
          NAME
              + ": x must have rank 4 [N, C, H, W] or rank 2"
              + " [N, F], but found shape "
              + Arrays.toString(x.shape()));
    }
    Checks.shape(NAME, "y", y, x.shape(), "(the shape of x)");
    if (y == x) {
      throw new IllegalArgumentException(
          NAME
              + ": y must be a different array from x (backward"
              + " after an inference forward needs x)");
    }
    long c = x.size(1);
    long[] vector = {c};
    String perChannel = "(one value per channel of x " + Arrays.toString(x.shape()) + ")";
    if (gamma != null) {
      Checks.shape(NAME, "gamma", gamma, vector, perChannel);
      Checks.denseVector(NAME, "gamma", gamma);
    }
    if (beta != null) {
      Checks.shape(NAME, "beta", beta, vector, perChannel);
      Checks.denseVector(NAME, "beta", beta);
    }
    Checks.shape(NAME, "runningMean", runningMean, vector, perChannel);
    Checks.shape(NAME, "runningVar", runningVar, vector, perChannel);
    Checks.denseVector(NAME, "runningMean", runningMean);
    Checks.denseVector(NAME, "runningVar", runningVar);
    Checks.sameFloatType(
        NAME,
        new String[] {"x", "y", "gamma", "beta", "runningMean", "runningVar"},
        x,
        y,
        gamma,
        beta,
        runningMean,
        runningVar);
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(NAME + ": momentum must be in [0, 1], got " + momentum);
    }
    if (!(eps >= 0 && eps < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          NAME + ": eps must be finite and not negative, got " + eps);
    }
    this.x = x;
    this.gamma = gamma;
    this.beta = beta;
    this.runningMean = runningMean;
    this.runningVar = runningVar;
    this.momentum = momentum;
    this.eps = eps;
    this.channels = c;
    this.count = x.length() / c;
    this.broadcast = x.rank() == 4 ? new long[] {1, c, 1, 1} : new long[] {1, c};
    this.mean = Nd4j.create(x.dataType(), c);
    this.invStd = Nd4j.create(x.dataType(), c);
    this.scale = Nd4j.create(x.dataType(), c);
    this.shift = Nd4j.create(x.dataType(), c);
    this.sums = Nd4j.create(x.dataType(), c);
    this.slope = Nd4j.create(x.dataType(), c);
    this.offset = Nd4j.create(x.dataType(), c);
    this.centered = Nd4j.create(x.dataType(), x.shape());
    // Training: mean, x - mean, variance as the mean of squares (y holds the squares until it is
    // overwritten), then y = (x - mean)·scale + beta. moments and batchnorm measured 2-4x slower
    // than these ops (ones-vector matmuls for the sums), batchnorm_bp 4x slower than backward()
    // below, and batchnorm_bp is only float-accurate in DOUBLE and crashes the JVM in FLOAT
    // without gamma and beta.
    this.sumOfX = channelSum(x, sums);
    this.center = binary("subtract", x, mean.reshape(broadcast), centered);
    this.square = binary("multiply", centered, centered, y);
    this.sumOfSquares = channelSum(y, sums);
    this.normalize = affine(centered, scale, beta, y);
    // Inference: y = x·scale + shift with shift = beta - runningMean·scale.
    this.affine = affine(x, scale, shift, y);
  }

  /**
   * training: batch statistics (kept for backward) and running-average update; inference: running
   * statistics.
   */
  public void forward(boolean training) {
    this.training = training;
    if (training) {
      trainingStatistics();
      run(normalize);
    } else {
      runningStatistics();
      run(affine);
    }
  }

  /**
   * Enables backward. dx may be null (skip the input gradient); dgamma and dbeta must be given
   * exactly when gamma and beta are, as dense [C] vectors. Returns this.
   */
  public BatchNorm withGradients(INDArray dx, INDArray dgamma, INDArray dbeta, INDArray dy) {
    if (trainingBackward != null) {
      throw withGradientsAgain();
    }
    Checks.shape(NAME, "dy", dy, x.shape(), "(the shape of y)");
    if (dx != null) {
      Checks.shape(NAME, "dx", dx, x.shape(), "(the shape of x)");
    }
    Checks.gradientPair(NAME, "gamma", gamma, "dgamma", dgamma);
    Checks.gradientPair(NAME, "beta", beta, "dbeta", dbeta);
    Checks.sameFloatType(
        NAME, new String[] {"x", "dx", "dgamma", "dbeta", "dy"}, x, dx, dgamma, dbeta, dy);
    this.dgamma = dgamma;
    this.sumOfDy = dbeta != null ? dbeta : Nd4j.create(x.dataType(), channels);
    this.sumOfDyX = Nd4j.create(x.dataType(), channels);
    // dy·(x - mean) goes into dx, which is overwritten later anyway; without dx into a scratch
    // buffer allocated once, here. Never into y: the next layer may still need it.
    INDArray product = dx != null ? dx : Nd4j.create(x.dataType(), x.shape());
    this.sumsOfDy =
        concat(
            channelSum(dy, sumOfDy),
            new PreparedOp[] {binary("multiply", dy, centered, product)},
            channelSum(product, sumOfDyX));
    // Training: dx = scale·(dy - (x - mean)·invStd²·Σdy(x - mean)/M - Σdy/M), the slope and
    // offset computed per channel in Java between the sums and these ops.
    this.trainingBackward =
        dx == null
            ? new PreparedOp[0]
            : new PreparedOp[] {
              binary("multiply", centered, slope.reshape(broadcast), dx),
              binary("add", dx, dy, dx),
              biasAdd(dx, offset, dx),
              binary("multiply", dx, scale.reshape(broadcast), dx)
            };
    this.inferenceBackward =
        dx == null
            ? new PreparedOp[0]
            : new PreparedOp[] {binary("multiply", dy, scale.reshape(broadcast), dx)};
    return this;
  }

  /**
   * Gradient of the last forward, overwriting dx, dgamma and dbeta: after a training forward the
   * full batch-statistics formula, after an inference forward the frozen-statistics one (dx =
   * dy·γ/√(var+ε)).
   */
  @Override
  public void backward() {
    if (trainingBackward == null) {
      throw backwardWithoutGradients();
    }
    if (!training) {
      center.exec(); // x - runningMean: the inference forward did not need it
    }
    run(sumsOfDy);
    DataBuffer istd = invStd.data();
    DataBuffer dyTotal = sumOfDy.data();
    DataBuffer dyxTotal = sumOfDyX.data();
    DataBuffer k = slope.data();
    DataBuffer o = offset.data();
    DataBuffer dg = dgamma == null ? null : dgamma.data();
    for (long c = 0; c < channels; c++) {
      double s = istd.getDouble(c);
      double dyx = dyxTotal.getDouble(c);
      if (dg != null) {
        dg.put(c, dyx * s);
      }
      k.put(c, -s * s * dyx / count);
      o.put(c, -dyTotal.getDouble(c) / count);
    }
    run(training ? trainingBackward : inferenceBackward);
  }

  private void trainingStatistics() {
    if (count < 2) {
      throw new IllegalArgumentException(
          NAME
              + ": training needs more than one value per channel"
              + " (as PyTorch), but x "
              + Arrays.toString(x.shape())
              + " has "
              + count
              + ": train with batches of"
              + " 2 or more examples, or call setTraining(false) to use the running statistics");
    }
    run(sumOfX);
    DataBuffer total = sums.data();
    DataBuffer mu = mean.data();
    for (long c = 0; c < channels; c++) {
      mu.put(c, total.getDouble(c) / count);
    }
    center.exec();
    square.exec();
    run(sumOfSquares);
    DataBuffer rm = runningMean.data();
    DataBuffer rv = runningVar.data();
    double unbiased = count / (count - 1.0);
    for (long c = 0; c < channels; c++) {
      double variance = total.getDouble(c) / count;
      coefficients(c, variance);
      rm.put(c, (1 - momentum) * rm.getDouble(c) + momentum * mu.getDouble(c));
      rv.put(c, (1 - momentum) * rv.getDouble(c) + momentum * variance * unbiased);
    }
  }

  private void runningStatistics() {
    DataBuffer rm = runningMean.data();
    DataBuffer rv = runningVar.data();
    DataBuffer mu = mean.data();
    DataBuffer a = scale.data();
    DataBuffer b = shift.data();
    DataBuffer bias = beta == null ? null : beta.data();
    for (long c = 0; c < channels; c++) {
      double m = rm.getDouble(c);
      mu.put(c, m);
      coefficients(c, rv.getDouble(c));
      b.put(c, (bias == null ? 0 : bias.getDouble(c)) - m * a.getDouble(c));
    }
  }

  // invStd = 1/√(var + eps), scale = gamma·invStd.
  private void coefficients(long c, double variance) {
    double s = 1 / Math.sqrt(variance + eps);
    invStd.data().put(c, s);
    scale.data().put(c, gamma == null ? s : gamma.data().getDouble(c) * s);
  }

  // out = in·scale (+ bias per channel).
  private PreparedOp[] affine(INDArray in, INDArray perChannel, INDArray bias, INDArray out) {
    PreparedOp product = binary("multiply", in, perChannel.reshape(broadcast), out);
    return bias == null
        ? new PreparedOp[] {product}
        : new PreparedOp[] {product, biasAdd(out, bias, out)};
  }

  private static PreparedOp binary(String op, INDArray a, INDArray b, INDArray out) {
    return PreparedOp.custom(
        NAME, op, new INDArray[] {a, b}, new INDArray[] {out}, NO_I, NO_T, NO_B);
  }

  private static PreparedOp biasAdd(INDArray in, INDArray bias, INDArray out) {
    return PreparedOp.custom(
        NAME,
        "biasadd",
        new INDArray[] {in, bias},
        new INDArray[] {out},
        NO_I,
        NO_T,
        new boolean[] {true});
  }

  /**
   * out[c] = sum of a over every axis but 1, as ones[1,N]·a[N,C·P] and then [C,P]·ones[P,1] when a
   * reshapes as a view (3-4x faster than reduce_sum over axes 0,2,3), else reduce_sum.
   */
  private PreparedOp[] channelSum(INDArray a, INDArray out) {
    long n = a.size(0);
    long p = count / n;
    INDArray rows = Checks.reshapedView(a, n, channels * p);
    INDArray column = Checks.reshapedView(out, channels, 1);
    double[] overwrite = {1.0, 0.0};
    long[] plain = {0, 0, 0};
    if (rows == null || column == null) {
      long[] axes = a.rank() == 4 ? new long[] {0, 2, 3} : new long[] {0};
      return new PreparedOp[] {
        PreparedOp.custom(
            NAME, "reduce_sum", new INDArray[] {a}, new INDArray[] {out}, axes, NO_T, NO_B)
      };
    }
    INDArray ones = Nd4j.ones(a.dataType(), 1, n);
    if (p == 1) {
      return new PreparedOp[] {
        PreparedOp.custom(
            NAME,
            "matmul",
            new INDArray[] {ones, rows},
            new INDArray[] {Checks.reshapedView(out, 1, channels)},
            plain,
            overwrite,
            NO_B)
      };
    }
    INDArray partial = Nd4j.create(a.dataType(), 1, channels * p);
    return new PreparedOp[] {
      PreparedOp.custom(
          NAME,
          "matmul",
          new INDArray[] {ones, rows},
          new INDArray[] {partial},
          plain,
          overwrite,
          NO_B),
      PreparedOp.custom(
          NAME,
          "matmul",
          new INDArray[] {partial.reshape(channels, p), Nd4j.ones(a.dataType(), p, 1)},
          new INDArray[] {column},
          plain,
          overwrite,
          NO_B)
    };
  }

  private static PreparedOp[] concat(PreparedOp[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(PreparedOp[]::new);
  }

  private static void run(PreparedOp[] ops) {
    for (PreparedOp op : ops) {
      op.exec();
    }
  }
}
