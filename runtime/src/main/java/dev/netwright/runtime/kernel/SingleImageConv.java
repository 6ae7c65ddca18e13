package dev.netwright.runtime.kernel;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward pass of a convolution over one FLOAT image as one matrix product: y[O, oH·oW] = w[O,
 * C·kH·kW] · cols[C·kH·kW, oH·oW] + b, with the patch matrix {@code cols} gathered in Java (row
 * copies, no native call) and the product run by a prepared native matmul.
 *
 * <p>Why: at batch 1 a oneDNN convolution call costs 20-30 µs whatever its size (it rebuilds its
 * primitive and reorders weights and activations every call), which dominates a small network's
 * latency; gathering the patches of a small image costs a few microseconds. A 1x1 convolution with
 * stride 1 and no padding needs no gathering at all: x itself is the patch matrix.
 *
 * <p>Everything is allocated at construction: the Java staging arrays, the native patch matrix and
 * the prepared product; positions that fall into the padding are zero once and never written.
 */
final class SingleImageConv {
  private static final String NAME = "Conv2d";

  // Keep the arrays the buffers and the product point into reachable.
  private final INDArray x;
  private final INDArray y;
  private final INDArray b;
  private final INDArray colsArray;
  private final FloatBuffer xs;
  private final FloatBuffer ys;
  private final FloatBuffer bs;
  private final FloatBuffer colsOut;
  private final float[] in;
  private final float[] cols;
  private final float[] bias;
  private final float[] biasRows;
  private final PreparedOp product;
  private final int c;
  private final int h;
  private final int w;
  private final int kH;
  private final int kW;
  private final int sH;
  private final int sW;
  private final int padTop;
  private final int padLeft;
  private final int oH;
  private final int oW;

  // xMatrix: x as [C, H·W] for a pointwise window (x is then the patch matrix), else null.
  private SingleImageConv(
      INDArray y,
      INDArray x,
      INDArray b,
      Window window,
      INDArray wMatrix,
      INDArray yMatrix,
      INDArray xMatrix) {
    this.x = x;
    this.y = y;
    this.b = b;
    this.c = (int) x.size(1);
    this.h = (int) x.size(2);
    this.w = (int) x.size(3);
    this.kH = window.kH();
    this.kW = window.kW();
    this.sH = window.sH();
    this.sW = window.sW();
    this.padTop = (int) window.padTop(h);
    this.padLeft = (int) window.padLeft(w);
    this.oH = (int) y.size(2);
    this.oW = (int) y.size(3);
    int o = (int) y.size(1);
    int p = oH * oW;
    this.ys = floats(y);
    this.bs = b == null ? null : floats(b);
    this.bias = b == null ? null : new float[o];
    this.biasRows = b == null ? null : new float[o * p];
    INDArray patches;
    if (xMatrix != null) {
      this.colsArray = null;
      this.xs = null;
      this.colsOut = null;
      this.in = null;
      this.cols = null;
      patches = xMatrix;
    } else {
      this.colsArray = Nd4j.create(DataType.FLOAT, (long) c * kH * kW, p);
      this.xs = floats(x);
      this.colsOut = floats(colsArray);
      this.in = new float[c * h * w];
      this.cols = new float[c * kH * kW * p];
      patches = colsArray;
    }
    // y = 1 · w · cols + (b ? 1 : 0) · y, where y holds the bias rows when there is a bias.
    this.product =
        PreparedOp.custom(
            NAME,
            "matmul",
            new INDArray[] {wMatrix, patches},
            new INDArray[] {yMatrix},
            new long[] {0, 0, 0},
            new double[] {1.0, b == null ? 0.0 : 1.0},
            new boolean[] {});
  }

  /**
   * The single-image form of y = conv(x, weights) + b, or null when it does not apply: more than
   * one image, not FLOAT, or an array whose memory is not one dense run.
   */
  static SingleImageConv of(INDArray y, INDArray x, INDArray weights, INDArray b, Window window) {
    if (x.size(0) != 1
        || x.dataType() != DataType.FLOAT
        || !Checks.dense(x)
        || !Checks.dense(y)
        || (b != null && !Checks.dense(b))) {
      return null;
    }
    INDArray wMatrix =
        Checks.reshapedView(weights, weights.size(0), weights.length() / weights.size(0));
    INDArray yMatrix = Checks.reshapedView(y, y.size(1), y.size(2) * y.size(3));
    INDArray xMatrix =
        pointwise(window) ? Checks.reshapedView(x, x.size(1), x.size(2) * x.size(3)) : null;
    if (wMatrix == null || yMatrix == null || (pointwise(window) && xMatrix == null)) {
      return null;
    }
    return new SingleImageConv(y, x, b, window, wMatrix, yMatrix, xMatrix);
  }

  private static boolean pointwise(Window window) {
    return window.kH() == 1
        && window.kW() == 1
        && window.sH() == 1
        && window.sW() == 1
        && window.pH() == 0
        && window.pW() == 0;
  }

  void forward() {
    if (cols != null) {
      gather();
    }
    if (bias != null) {
      bs.get(0, bias);
      int p = oH * oW;
      for (int o = 0; o < bias.length; o++) {
        Arrays.fill(biasRows, o * p, (o + 1) * p, bias[o]);
      }
      ys.put(0, biasRows);
    }
    product.exec();
  }

  // cols[(ch·kH + i)·kW + j, r·oW + q] = x[ch, r·sH - padTop + i, q·sW - padLeft + j], or 0 (kept
  // from construction) where that falls into the padding.
  private void gather() {
    xs.get(0, in);
    int p = oH * oW;
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < kH; i++) {
        for (int j = 0; j < kW; j++) {
          int row = ((ch * kH + i) * kW + j) * p;
          // Output columns q whose input column q·sW - padLeft + j lies inside [0, w).
          int qFrom = Math.max(0, ceilDiv(padLeft - j, sW));
          int qTo = Math.min(oW, ceilDiv(w + padLeft - j, sW));
          if (qFrom >= qTo) {
            continue;
          }
          for (int r = 0; r < oH; r++) {
            int ii = r * sH - padTop + i;
            if (ii < 0 || ii >= h) {
              continue;
            }
            int src = (ch * h + ii) * w - padLeft + j;
            int dst = row + r * oW;
            if (sW == 1) {
              System.arraycopy(in, src + qFrom, cols, dst + qFrom, qTo - qFrom);
            } else {
              for (int q = qFrom; q < qTo; q++) {
                cols[dst + q] = in[src + q * sW];
              }
            }
          }
        }
      }
    }
    colsOut.put(0, cols);
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static FloatBuffer floats(INDArray a) {
    // addressPointer() of a view points at its first element.
    return new FloatPointer(a.data().addressPointer()).capacity(a.length()).asBuffer();
  }
}
