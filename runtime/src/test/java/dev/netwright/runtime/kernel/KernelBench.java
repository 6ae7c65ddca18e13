package dev.netwright.runtime.kernel;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The measurements behind the kernels' design choices, FLOAT, batch 64. Not a test: after {@code
 * mvn -pl runtime test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}, run {@code
 * OMP_NUM_THREADS=1 java -cp runtime/target/test-classes:runtime/target/classes:$(cat
 * runtime/cp.txt) dev.netwright.runtime.kernel.KernelBench} on a machine as quiet as possible.
 * Alternatives run interleaved, so a neighbour's load hits them alike; medians in microseconds.
 */
final class KernelBench {
  private static final DataType F = DataType.FLOAT;
  private static final long[] NO_I = {};
  private static final double[] NO_T = {};
  private static final boolean[] NO_B = {};

  private KernelBench() {}

  public static void main(String[] args) {
    System.out.println("OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
    firstLayer("conv 1->10 5x5 on 28x28", 1, 28, 10, new Window(5, 5, 1, 1, 0, 0, false));
    firstLayer("conv 3->16 3x3 pad 1 on 32x32", 3, 32, 16, new Window(3, 3, 1, 1, 1, 1, false));
    firstLayer(
        "conv 3->16 3x3 stride 2 pad 1 on 32x32", 3, 32, 16, new Window(3, 3, 2, 2, 1, 1, false));
    dilatedCorrelation();
    reluBackward(64 * 10 * 24 * 24);
    denseBiasGradient(64, 500);
    groupedConv(16, 16, 16, 12);
    groupedConv(32, 32, 8, 12);
    groupedConv(32, 32, 4, 12);
    groupedConv(32, 32, 2, 12);
    groupedConv(64, 64, 4, 12);
    groupedConv(128, 128, 32, 14);
    groupedConv(128, 128, 8, 14);
    groupedConv(128, 128, 4, 14);
    groupNorm(64, 16, 12, 4);
    groupNorm(64, 32, 14, 4);
  }

  /**
   * A grouped 3x3 pad 1 convolution (forward, then backward with dx) in GroupedConv's two forms,
   * and for a depthwise one ND4J's depthwise_conv2d (wFormat 1 is [multiplier, C, kH, kW], which
   * PyTorch's [C·multiplier, 1, kH, kW] is once reshaped and permuted).
   */
  private static void groupedConv(int c, int o, int groups, int size) {
    Window window = new Window(3, 3, 1, 1, 1, 1, false);
    INDArray x = Reference.random(F, 1, 64, c, size, size);
    INDArray w = Reference.random(F, 2, o, c / groups, 3, 3);
    INDArray b = Reference.random(F, 3, o);
    INDArray y = Nd4j.create(F, 64, o, size, size);
    INDArray dy = Reference.random(F, 4, y.shape());
    INDArray dx = Nd4j.create(F, x.shape());
    INDArray dw = Nd4j.create(F, w.shape());
    INDArray db = Nd4j.create(F, o);
    GroupedConv diagonal = GroupedConv.of(y, x, w, b, window, groups, true);
    diagonal.withGradients(dx, dw, db, dy);
    GroupedConv apart = GroupedConv.of(y, x, w, b, window, groups, false);
    apart.withGradients(dx, dw, db, dy);
    System.out.println(
        "grouped conv "
            + c
            + "->"
            + o
            + " in "
            + groups
            + " groups, 3x3 pad 1 on "
            + size
            + "x"
            + size
            + " (Conv2d picks "
            + (GroupedConv.diagonal(c, groups) ? "diagonal" : "per group")
            + ")");
    if (groups != c) {
      compare(
          new String[] {
            "diagonal forward", "diagonal backward", "per group forward", "per group backward"
          },
          20,
          diagonal::forward,
          diagonal::backward,
          apart::forward,
          apart::backward);
      return;
    }
    long[] args = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1};
    INDArray weights = w.reshape(c, o / c, 3, 3).permute(1, 0, 2, 3);
    PreparedOp depthwise =
        PreparedOp.custom(
            "bench",
            "depthwise_conv2d",
            new INDArray[] {x, weights, b},
            new INDArray[] {y},
            args,
            NO_T,
            NO_B);
    PreparedOp depthwiseBp =
        PreparedOp.custom(
            "bench",
            "depthwise_conv2d_bp",
            new INDArray[] {x, weights, b, dy},
            new INDArray[] {dx, dw.reshape(c, o / c, 3, 3).permute(1, 0, 2, 3), db},
            args,
            NO_T,
            NO_B);
    compare(
        new String[] {
          "diagonal forward",
          "diagonal backward",
          "per group forward",
          "per group backward",
          "depthwise_conv2d",
          "depthwise_conv2d_bp"
        },
        20,
        diagonal::forward,
        diagonal::backward,
        apart::forward,
        apart::backward,
        depthwise::exec,
        depthwiseBp::exec);
  }

  /** GroupNorm beside BatchNorm in training on the same [N, C, H, W]. */
  private static void groupNorm(int n, int c, int size, int groups) {
    INDArray x = Reference.random(F, 1, n, c, size, size);
    INDArray y = Nd4j.create(F, x.shape());
    INDArray dx = Nd4j.create(F, x.shape());
    INDArray dy = Reference.random(F, 2, x.shape());
    INDArray gamma = Reference.random(F, 3, c);
    INDArray beta = Reference.random(F, 4, c);
    GroupNorm gn =
        new GroupNorm(y, x, gamma, beta, groups, 1e-5)
            .withGradients(dx, Nd4j.create(F, c), Nd4j.create(F, c), dy);
    BatchNorm bn =
        new BatchNorm(y, x, gamma, beta, Nd4j.zeros(F, c), Nd4j.ones(F, c), 0.1, 1e-5)
            .withGradients(dx, Nd4j.create(F, c), Nd4j.create(F, c), dy);
    System.out.println(
        "group norm [" + n + ", " + c + ", " + size + ", " + size + "] in " + groups + " groups");
    compare(
        new String[] {
          "GroupNorm forward",
          "GroupNorm backward",
          "BatchNorm forward (training)",
          "BatchNorm backward"
        },
        100,
        gn::forward,
        gn::backward,
        () -> bn.forward(true),
        bn::backward);
  }

  /** The first layer's backward with dx (conv2d_bp) against without (what Conv2d picks). */
  private static void firstLayer(String name, int c, int size, int o, Window window) {
    INDArray x = Reference.random(F, 1, 64, c, size, size);
    INDArray w = Reference.random(F, 2, o, c, window.kH(), window.kW());
    INDArray b = Reference.random(F, 3, o);
    INDArray y = Nd4j.create(F, 64, o, window.outH(size), window.outW(size));
    INDArray dy = Reference.random(F, 4, y.shape());
    INDArray dw = Nd4j.create(F, w.shape());
    INDArray db = Nd4j.create(F, o);
    Conv2d withDx =
        new Conv2d(y, x, w, b, window).withGradients(Nd4j.create(F, x.shape()), dw, db, dy);
    Conv2d noDx = new Conv2d(y, x, w, b, window).withGradients(null, dw, db, dy);
    // The bias gradient two ways: reduce_sum, or ones[1,N]·dy[N,O*P] then [O,P]·ones[P,1].
    long p = y.size(2) * y.size(3);
    INDArray partial = Nd4j.create(F, 1, o * p);
    PreparedOp reduce =
        PreparedOp.custom(
            "bench",
            "reduce_sum",
            new INDArray[] {dy},
            new INDArray[] {db},
            new long[] {0, 2, 3},
            NO_T,
            NO_B);
    PreparedOp rows =
        PreparedOp.custom(
            "bench",
            "matmul",
            new INDArray[] {Nd4j.ones(F, 1, 64), dy.reshape(64, o * p)},
            new INDArray[] {partial},
            new long[] {0, 0, 0},
            new double[] {1, 0},
            NO_B);
    PreparedOp cols =
        PreparedOp.custom(
            "bench",
            "matmul",
            new INDArray[] {partial.reshape(o, p), Nd4j.ones(F, p, 1)},
            new INDArray[] {db.reshape(o, 1)},
            new long[] {0, 0, 0},
            new double[] {1, 0},
            NO_B);
    System.out.println(name);
    compare(
        new String[] {
          "forward",
          "backward with dx (conv2d_bp)",
          "backward without dx",
          "db by reduce_sum",
          "db by two matmuls"
        },
        40,
        withDx::forward,
        withDx::backward,
        noDx::backward,
        reduce::exec,
        () -> {
          rows.exec();
          cols.exec();
        });
  }

  /**
   * Why Conv2d uses conv2d_bp for strided first layers: the correlation would need a convolution
   * with dilation = stride, which oneDNN rejects in FLOAT and which ND4J's generic code runs
   * slowly.
   */
  private static void dilatedCorrelation() {
    Window window = new Window(3, 3, 2, 2, 1, 1, false);
    INDArray x = Reference.random(F, 1, 64, 3, 32, 32);
    INDArray w = Reference.random(F, 2, 16, 3, 3, 3);
    INDArray y = Nd4j.create(F, 64, 16, 16, 16);
    INDArray dy = Reference.random(F, 4, y.shape());
    INDArray dw = Nd4j.create(F, w.shape());
    Conv2d fallback = new Conv2d(y, x, w, null, window).withGradients(null, dw, null, dy);
    // Output [C, O, kH', kW'] with kH' = H + 2p - (oH - 1) * s = 4, cropped to 3x3 afterwards.
    INDArray scratch = Nd4j.create(F, 3, 16, 4, 4);
    OpContext context = Nd4j.getExecutioner().buildContext();
    context.setInputArrays(x.permute(1, 0, 2, 3), dy.permute(1, 0, 2, 3));
    context.setOutputArrays(scratch);
    context.setIArguments(16, 16, 1, 1, 1, 1, 2, 2, 0, 0, 1);
    DynamicCustomOp conv = DynamicCustomOp.builder("conv2d").build();
    System.out.println("conv 3->16 3x3 stride 2 pad 1 on 32x32, weight gradient only");
    try {
      Nd4j.exec(conv, context);
      System.out.println("  oneDNN ran the dilated correlation");
    } catch (RuntimeException e) {
      System.out.println("  oneDNN: " + e.getMessage().replaceAll(".*message ", ""));
    }
    context.allowHelpers(false);
    compare(
        new String[] {"Conv2d.backward (conv2d_bp, dx discarded)", "generic dilated correlation"},
        20,
        fallback::backward,
        () -> Nd4j.exec(conv, context));
  }

  private static void reluBackward(long n) {
    INDArray y = Reference.random(F, 5, n);
    INDArray dy = Reference.random(F, 6, n);
    INDArray dx = Nd4j.create(F, n);
    Relu relu = new Relu(y, y).withGradients(dx, dy);
    relu.forward();
    PreparedOp reluBp =
        PreparedOp.custom(
            "bench",
            "relu_bp",
            new INDArray[] {y, dy},
            new INDArray[] {dx},
            NO_I,
            new double[] {0},
            NO_B);
    INDArray mask = Nd4j.create(F, n);
    Step step = new Step(y, mask, 0.0);
    PreparedOp multiply =
        PreparedOp.custom(
            "bench", "multiply", new INDArray[] {mask, dy}, new INDArray[] {dx}, NO_I, NO_T, NO_B);
    System.out.println("relu backward on " + n + " floats");
    compare(
        new String[] {
          "relu forward",
          "Relu.backward (prepared Step + multiply)",
          "relu_bp (prepared)",
          "Nd4j.exec(Step) + multiply (allocates)"
        },
        200,
        relu::forward,
        relu::backward,
        reluBp::exec,
        () -> {
          Nd4j.exec(step);
          multiply.exec();
        });
  }

  private static void denseBiasGradient(int n, int units) {
    INDArray x = Reference.random(F, 7, n, 800);
    INDArray w = Reference.random(F, 8, units, 800);
    INDArray b = Reference.random(F, 9, units);
    INDArray y = Nd4j.create(F, n, units);
    INDArray dy = Reference.random(F, 10, n, units);
    INDArray db = Nd4j.create(F, units);
    Dense dense = new Dense(y, x, w, b).withGradients(null, Nd4j.create(F, w.shape()), db, dy);
    PreparedOp reduce =
        PreparedOp.custom(
            "bench",
            "reduce_sum",
            new INDArray[] {dy},
            new INDArray[] {db},
            new long[] {0},
            NO_T,
            NO_B);
    PreparedOp ones =
        PreparedOp.custom(
            "bench",
            "matmul",
            new INDArray[] {Nd4j.ones(F, 1, n), dy},
            new INDArray[] {db.reshape(1, units)},
            new long[] {0, 0, 0},
            new double[] {1, 0},
            NO_B);
    System.out.println("dense 800->" + units + ", batch " + n);
    compare(
        new String[] {
          "Dense.forward (matmul + biasadd)",
          "Nd4j.gemm + addiRowVector",
          "Dense.backward without dx",
          "db by reduce_sum",
          "db by ones matmul"
        },
        200,
        dense::forward,
        () -> Nd4j.gemm(x, w, y, false, true, 1, 0).addiRowVector(b),
        dense::backward,
        reduce::exec,
        ones::exec);
  }

  private static void compare(String[] names, int reps, Runnable... calls) {
    double[][] micros = new double[calls.length][reps];
    for (int i = 0; i < 5; i++) {
      for (Runnable call : calls) {
        call.run();
      }
    }
    for (int i = 0; i < reps; i++) {
      for (int j = 0; j < calls.length; j++) {
        long start = System.nanoTime();
        calls[j].run();
        micros[j][i] = (System.nanoTime() - start) / 1e3;
      }
    }
    for (int j = 0; j < calls.length; j++) {
      Arrays.sort(micros[j]);
      System.out.printf(
          Locale.ROOT,
          "  %-44s %9.1f us  (min %9.1f)%n",
          names[j],
          micros[j][reps / 2],
          micros[j][0]);
    }
  }
}
