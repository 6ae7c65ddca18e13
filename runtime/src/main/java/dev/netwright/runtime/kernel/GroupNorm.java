package dev.netwright.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Group normalization of NCHW x (or [N, F]): PyTorch's GroupNorm. Per example, the C channels are
 * split into G groups of C/G consecutive channels; each group is normalised over its channels and
 * positions (M = C/G·H·W values) with its mean and biased variance, then every channel is scaled by
 * gamma and shifted by beta. Training and inference compute the same.
 */
public final class GroupNorm extends Kernel {
  private static final String NAME = "GroupNorm";
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private final INDArray x;
  private final INDArray gamma;
  private final INDArray beta;
  private final int groups;
  private final double eps;
  private final long examples;
  private final long channels;
  private final long perGroup; // channels per group
  private final long count; // values per group: channels per group times positions
  private final long[] x4Shape;
  // x - mean of its group, kept for backward; the shape of x as [N, C, H, W].
  private final INDArray centered;
  // Scratch of that shape: squares in forward, dy·(x - mean) in backward.
  private final INDArray work;
  // Per example and channel [N, C]: sums over positions; the second holds Σdy in backward.
  private final INDArray sums;
  private final INDArray dySums;
  // Per example and channel [N, C, 1, 1], broadcast over positions: the group's mean; gamma times
  // the group's 1/√(var + ε); backward's coefficients of (x - mean) and its constant term.
  private final INDArray mean;
  private final INDArray scale;
  private final INDArray slope;
  private final INDArray offset;
  // 1/√(var + ε) per example and group, from the last forward.
  private final double[] invStd;
  private final PreparedOp sumOfX;
  private final PreparedOp center;
  private final PreparedOp square;
  private final PreparedOp sumOfSquares;
  private final PreparedOp[] normalize;
  // Null until withGradients; the ops keep their native contexts reachable.
  private INDArray dgamma;
  private INDArray dbeta;
  private PreparedOp[] sumsOfDy;
  private PreparedOp[] inputGradient;

  /**
   * x, y [N, C, H, W] or [N, C]; groups divides C; gamma, beta [C] learnable (either may be null:
   * no scale or no shift), dense vectors, as Parameters' views are; eps e.g. 1e-5. A rank-2 x and y
   * must be contiguous.
   */
  public GroupNorm(INDArray y, INDArray x, INDArray gamma, INDArray beta, int groups, double eps) {
    super(NAME, "dx", "dgamma", "dbeta", "dy");
    Checks.present(NAME, "x", x);
    if (x.rank() != 2 && x.rank() != 4) {
      throw new IllegalArgumentException(
          NAME
              + ": x must have rank 4 [N, C, H, W] or rank 2"
              + " [N, C], but found shape "
              + Arrays.toString(x.shape()));
    }
    Checks.shape(NAME, "y", y, x.shape(), "(the shape of x)");
    long c = x.size(1);
    if (groups < 1 || c % groups != 0) {
      throw new IllegalArgumentException(
          NAME
              + ": groups must be positive and divide the "
              + c
              + " channels of x "
              + Arrays.toString(x.shape())
              + ", got "
              + groups);
    }
    String perChannel = "(one value per channel of x " + Arrays.toString(x.shape()) + ")";
    if (gamma != null) {
      Checks.shape(NAME, "gamma", gamma, new long[] {c}, perChannel);
      Checks.denseVector(NAME, "gamma", gamma);
    }
    if (beta != null) {
      Checks.shape(NAME, "beta", beta, new long[] {c}, perChannel);
      Checks.denseVector(NAME, "beta", beta);
    }
    Checks.sameFloatType(NAME, new String[] {"x", "y", "gamma", "beta"}, x, y, gamma, beta);
    if (!(eps >= 0 && eps < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          NAME + ": eps must be finite and not negative, got " + eps);
    }
    this.x = x;
    this.gamma = gamma;
    this.beta = beta;
    this.groups = groups;
    this.eps = eps;
    this.examples = x.size(0);
    this.channels = c;
    this.perGroup = c / groups;
    long positions = x.rank() == 4 ? x.size(2) * x.size(3) : 1;
    this.count = perGroup * positions;
    this.x4Shape =
        new long[] {examples, c, x.rank() == 4 ? x.size(2) : 1, x.rank() == 4 ? x.size(3) : 1};
    INDArray x4 = image("x", x);
    INDArray y4 = image("y", y);
    this.centered = Nd4j.create(x.dataType(), x4Shape);
    this.work = Nd4j.create(x.dataType(), x4Shape);
    this.sums = Nd4j.create(x.dataType(), examples, c);
    this.dySums = Nd4j.create(x.dataType(), examples, c);
    long[] perExampleChannel = {examples, c, 1, 1};
    this.mean = Nd4j.create(x.dataType(), perExampleChannel);
    this.scale = Nd4j.create(x.dataType(), perExampleChannel);
    this.slope = Nd4j.create(x.dataType(), perExampleChannel);
    this.offset = Nd4j.create(x.dataType(), perExampleChannel);
    this.invStd = new double[(int) (examples * groups)];
    // Two passes, as BatchNorm: the mean, then the variance as the mean square of x - mean (one
    // pass of E[x²] - E[x]² loses the variance to cancellation in FLOAT). Sums per example and
    // channel are ND4J ops; the few N·C numbers in between are Java loops.
    this.sumOfX = sumOverPositions(x4, sums);
    this.center = binary("subtract", x4, mean, centered);
    this.square = binary("multiply", centered, centered, work);
    this.sumOfSquares = sumOverPositions(work, sums);
    PreparedOp product = binary("multiply", centered, scale, y4);
    this.normalize =
        beta == null
            ? new PreparedOp[] {product}
            : new PreparedOp[] {
              product,
              PreparedOp.custom(
                  NAME,
                  "biasadd",
                  new INDArray[] {y4, beta},
                  new INDArray[] {y4},
                  NO_I,
                  NO_T,
                  new boolean[] {true})
            };
  }

  /** Computes y from x into the y given at construction, keeping what backward needs. */
  public void forward() {
    sumOfX.exec();
    DataBuffer s = sums.data();
    DataBuffer mu = mean.data();
    for (long n = 0; n < examples; n++) {
      for (long g = 0; g < groups; g++) {
        long first = n * channels + g * perGroup;
        double total = 0;
        for (long c = first; c < first + perGroup; c++) {
          total += s.getDouble(c);
        }
        double m = total / count;
        for (long c = first; c < first + perGroup; c++) {
          mu.put(c, m);
        }
      }
    }
    center.exec();
    square.exec();
    sumOfSquares.exec();
    DataBuffer a = scale.data();
    DataBuffer gammas = gamma == null ? null : gamma.data();
    for (long n = 0; n < examples; n++) {
      for (long g = 0; g < groups; g++) {
        long first = n * channels + g * perGroup;
        double total = 0;
        for (long c = first; c < first + perGroup; c++) {
          total += s.getDouble(c);
        }
        double inv = 1 / Math.sqrt(total / count + eps);
        invStd[(int) (n * groups + g)] = inv;
        for (long c = 0; c < perGroup; c++) {
          a.put(first + c, gammas == null ? inv : gammas.getDouble(g * perGroup + c) * inv);
        }
      }
    }
    run(normalize);
  }

  /**
   * Enables backward. dx may be null (skip the input gradient); dgamma and dbeta must be given
   * exactly when gamma and beta are, as dense [C] vectors. Returns this.
   */
  public GroupNorm withGradients(INDArray dx, INDArray dgamma, INDArray dbeta, INDArray dy) {
    if (sumsOfDy != null) {
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
    INDArray dy4 = image("dy", dy);
    this.dgamma = dgamma;
    this.dbeta = dbeta;
    this.sumsOfDy =
        new PreparedOp[] {
          binary("multiply", dy4, centered, work),
          sumOverPositions(work, sums),
          sumOverPositions(dy4, dySums)
        };
    if (dx == null) {
      this.inputGradient = new PreparedOp[0];
    } else {
      // dx = scale·dy + slope·(x - mean) + offset, per example and channel: scale is gamma·s as in
      // forward, slope and offset are set per group by backward().
      INDArray dx4 = image("dx", dx);
      this.inputGradient =
          new PreparedOp[] {
            binary("multiply", dy4, scale, dx4),
            binary("multiply", centered, slope, work),
            binary("add", dx4, work, dx4),
            binary("add", dx4, offset, dx4)
          };
    }
    return this;
  }

  /**
   * Gradient of the last forward, overwriting dx, dgamma and dbeta. With x̂ = s·(x - mean) and s =
   * 1/√(var + ε) per group: dx = s·(γ·dy - mean(γ·dy) - x̂·mean(γ·dy·x̂)), the means over the
   * group's M values; dγ = Σ dy·x̂ and dβ = Σ dy over examples and positions.
   */
  @Override
  public void backward() {
    if (sumsOfDy == null) {
      throw backwardWithoutGradients();
    }
    run(sumsOfDy);
    DataBuffer dyx = sums.data();
    DataBuffer dyTotal = dySums.data();
    DataBuffer gammas = gamma == null ? null : gamma.data();
    DataBuffer dg = dgamma == null ? null : dgamma.data();
    DataBuffer db = dbeta == null ? null : dbeta.data();
    DataBuffer k = slope.data();
    DataBuffer o = offset.data();
    for (long c = 0; c < channels; c++) {
      if (dg != null) {
        dg.put(c, 0.0);
      }
      if (db != null) {
        db.put(c, 0.0);
      }
    }
    for (long n = 0; n < examples; n++) {
      for (long g = 0; g < groups; g++) {
        double s = invStd[(int) (n * groups + g)];
        double meanDy = 0;
        double meanDyX = 0;
        for (long j = 0; j < perGroup; j++) {
          long c = g * perGroup + j;
          long at = n * channels + c;
          double scaleC = gammas == null ? 1 : gammas.getDouble(c);
          meanDy += scaleC * dyTotal.getDouble(at);
          meanDyX += scaleC * dyx.getDouble(at);
          if (dg != null) {
            dg.put(c, dg.getDouble(c) + s * dyx.getDouble(at));
          }
          if (db != null) {
            db.put(c, db.getDouble(c) + dyTotal.getDouble(at));
          }
        }
        meanDy /= count;
        meanDyX /= count;
        long first = n * channels + g * perGroup;
        for (long c = first; c < first + perGroup; c++) {
          k.put(c, -s * s * s * meanDyX);
          o.put(c, -s * meanDy);
        }
      }
    }
    run(inputGradient);
  }

  /** {@code a} as [N, C, H, W]: itself, or for a rank-2 array a view of it as [N, C, 1, 1]. */
  private INDArray image(String name, INDArray a) {
    if (a.rank() == 4) {
      return a;
    }
    INDArray view = Checks.reshapedView(a, x4Shape);
    if (view == null) {
      throw new IllegalArgumentException(
          NAME
              + ": a rank-2 "
              + name
              + " must be a contiguous c-order"
              + " array, but has strides "
              + Arrays.toString(a.stride())
              + " and order "
              + a.ordering());
    }
    return view;
  }

  /**
   * out[n, c] = sum of a[n, c, ·, ·]: a [N·C, P] matrix times ones [P, 1] when a reshapes as a
   * view, else reduce_sum over axes 2 and 3 (a channel slice of a larger buffer).
   */
  private PreparedOp sumOverPositions(INDArray a, INDArray out) {
    long positions = a.size(2) * a.size(3);
    INDArray rows = Checks.reshapedView(a, examples * channels, positions);
    if (rows == null) {
      return PreparedOp.custom(
          NAME,
          "reduce_sum",
          new INDArray[] {a},
          new INDArray[] {out},
          new long[] {2, 3},
          NO_T,
          NO_B);
    }
    return PreparedOp.custom(
        NAME,
        "matmul",
        new INDArray[] {rows, Nd4j.ones(a.dataType(), positions, 1)},
        new INDArray[] {out.reshape(examples * channels, 1)},
        new long[] {0, 0, 0},
        new double[] {1.0, 0.0},
        NO_B);
  }

  private static PreparedOp binary(String op, INDArray a, INDArray b, INDArray out) {
    return PreparedOp.custom(
        NAME, op, new INDArray[] {a, b}, new INDArray[] {out}, NO_I, NO_T, NO_B);
  }

  private static void run(PreparedOp[] ops) {
    for (PreparedOp op : ops) {
      op.exec();
    }
  }
}
