package dev.netwright.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import dev.netwright.runtime.kernel.GradCheck.Param;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SingleThreaded.class)
class Conv2dTest {
  /** One convolution geometry; x is [2, c, 7, 6] so that SAME can be asymmetric on one axis. */
  record Case(String name, int c, int o, Window window, boolean bias) {
    @Override
    public String toString() {
      return name;
    }

    Buffers make(DataType type) {
      INDArray x = Reference.random(type, 1, 2, c, 7, 6);
      INDArray w = Reference.random(type, 2, o, c, window.kH(), window.kW());
      INDArray b = bias ? Reference.random(type, 3, o) : null;
      INDArray y = Nd4j.create(type, 2, o, window.outH(7), window.outW(6));
      return new Buffers(x, w, b, y);
    }
  }

  record Buffers(INDArray x, INDArray w, INDArray b, INDArray y) {
    INDArray[] gradients() {
      return new INDArray[] {
        Nd4j.create(x.dataType(), x.shape()),
        Nd4j.create(w.dataType(), w.shape()),
        b == null ? null : Nd4j.create(b.dataType(), b.shape()),
        Nd4j.create(y.dataType(), y.shape())
      };
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("VALID 3x3", 2, 3, new Window(3, 3, 1, 1, 0, 0, false), true),
        new Case("pad 1", 2, 3, new Window(3, 3, 1, 1, 1, 1, false), true),
        new Case("pad 2", 2, 3, new Window(3, 3, 1, 1, 2, 2, false), true),
        new Case("3x5 kernel pad 1x2", 2, 3, new Window(3, 5, 1, 1, 1, 2, false), true),
        new Case("stride 2 pad 1", 3, 2, new Window(3, 3, 2, 2, 1, 1, false), true),
        new Case("stride 2x1 VALID 2x2", 2, 3, new Window(2, 2, 2, 1, 0, 0, false), true),
        new Case("SAME odd 3x3", 2, 3, new Window(3, 3, 1, 1, 0, 0, true), true),
        new Case("SAME even 2x2 (asymmetric)", 2, 3, new Window(2, 2, 1, 1, 0, 0, true), true),
        new Case("SAME 3x3 stride 2 (asymmetric)", 2, 3, new Window(3, 3, 2, 2, 0, 0, true), true),
        new Case("SAME even 4x4 stride 2", 2, 3, new Window(4, 4, 2, 2, 0, 0, true), true),
        new Case("1x1", 3, 2, new Window(1, 1, 1, 1, 0, 0, false), true),
        new Case("1x1 stride 2 SAME", 3, 2, new Window(1, 1, 2, 2, 0, 0, true), true),
        new Case("no bias", 2, 3, new Window(3, 3, 1, 1, 1, 1, false), false));
  }

  /** Geometries for the first-layer path: correlation (stride 1, symmetric) and its fallbacks. */
  static Stream<Case> firstLayerCases() {
    Stream.Builder<Case> s = Stream.builder();
    for (int stride = 1; stride <= 2; stride++) {
      for (int pad = 0; pad <= 2; pad++) {
        s.add(
            new Case(
                "stride " + stride + " pad " + pad,
                3,
                4,
                new Window(3, 3, stride, stride, pad, pad, false),
                true));
      }
    }
    s.add(new Case("SAME 3x3 (symmetric)", 2, 3, new Window(3, 3, 1, 1, 0, 0, true), true));
    s.add(
        new Case("SAME 2x2 (asymmetric fallback)", 2, 3, new Window(2, 2, 1, 1, 0, 0, true), true));
    s.add(new Case("SAME 3x3 stride 2", 2, 3, new Window(3, 3, 2, 2, 0, 0, true), true));
    s.add(new Case("3x5 kernel pad 1x2", 2, 3, new Window(3, 5, 1, 1, 1, 2, false), true));
    s.add(new Case("no bias", 2, 3, new Window(3, 3, 1, 1, 1, 1, false), false));
    return s.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesNaiveReference(Case k) {
    Buffers a = k.make(DataType.DOUBLE);
    new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window()).forward();
    Reference.assertClose(k.name(), Reference.conv(a.x(), a.w(), a.b(), k.window()), a.y(), 1e-12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(Case k) {
    Buffers a = k.make(DataType.DOUBLE);
    INDArray[] g = a.gradients();
    Conv2d conv =
        new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window()).withGradients(g[0], g[1], g[2], g[3]);
    Param[] params =
        a.b() == null
            ? new Param[] {new Param("x", a.x(), g[0]), new Param("w", a.w(), g[1])}
            : new Param[] {
              new Param("x", a.x(), g[0]), new Param("w", a.w(), g[1]), new Param("b", a.b(), g[2])
            };
    GradCheck.check(k.name(), conv::forward, conv::backward, a.y(), g[3], 1e-3, params);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("firstLayerCases")
  void firstLayerPathMatchesConvBackpropAndCentralDifferences(Case k) {
    Buffers a = k.make(DataType.DOUBLE);
    INDArray[] full = a.gradients();
    INDArray[] first = a.gradients();
    Conv2d withDx =
        new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window())
            .withGradients(full[0], full[1], full[2], full[3]);
    Conv2d noDx =
        new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window())
            .withGradients(null, first[1], first[2], first[3]);
    INDArray dy = Reference.random(DataType.DOUBLE, 7, a.y().shape());
    full[3].assign(dy);
    first[3].assign(dy);
    first[1].assign(Double.NaN); // must be overwritten
    withDx.forward();
    withDx.backward();
    noDx.backward();
    Reference.assertClose(k.name() + " dw", full[1], first[1], 1e-9);
    if (a.b() != null) {
      Reference.assertClose(k.name() + " db", full[2], first[2], 1e-9);
    }
    Param[] params =
        a.b() == null
            ? new Param[] {new Param("w", a.w(), first[1])}
            : new Param[] {new Param("w", a.w(), first[1]), new Param("b", a.b(), first[2])};
    GradCheck.check(k.name(), noDx::forward, noDx::backward, a.y(), first[3], 1e-3, params);
  }

  /** FLOAT runs through oneDNN, DOUBLE through libnd4j's generic loops: both must agree. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("firstLayerCases")
  void floatAgreesWithDoubleForwardAndBothBackwardPaths(Case k) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      Buffers a = k.make(types[t]);
      INDArray[] full = a.gradients();
      INDArray[] first = a.gradients();
      Conv2d withDx =
          new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window())
              .withGradients(full[0], full[1], full[2], full[3]);
      Conv2d noDx =
          new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window())
              .withGradients(null, first[1], first[2], first[3]);
      INDArray dy = Reference.random(types[t], 7, a.y().shape());
      full[3].assign(dy);
      first[3].assign(dy);
      withDx.forward();
      withDx.backward();
      noDx.backward();
      results[t] = new INDArray[] {a.y(), full[0], full[1], full[2], first[1], first[2]};
    }
    String[] names = {"y", "dx", "dw", "db", "dw (no dx)", "db (no dx)"};
    for (int i = 0; i < names.length; i++) {
      if (results[0][i] != null) {
        Reference.assertClose(k.name() + " " + names[i], results[0][i], results[1][i], 1e-4);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatForwardAgreesWithDouble(Case k) {
    Buffers d = k.make(DataType.DOUBLE);
    Buffers f = k.make(DataType.FLOAT);
    new Conv2d(d.y(), d.x(), d.w(), d.b(), k.window()).forward();
    new Conv2d(f.y(), f.x(), f.w(), f.b(), k.window()).forward();
    Reference.assertClose(k.name(), d.y(), f.y(), 1e-4);
  }

  /**
   * One FLOAT image runs as a patch matrix gathered in Java times the weights: every geometry
   * (padding, SAME, strides, 1x1, no bias), with x and y channel slices of larger arrays as
   * generated code passes them, agrees with the reference, and again on a second call.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aSingleImageRunsAsOneProductAndMatchesTheReference(Case k) {
    Window win = k.window();
    INDArray x =
        Reference.random(DataType.FLOAT, 1, 1, k.c() + 2, 7, 6)
            .get(all(), interval(1, k.c() + 1), all(), all());
    INDArray w = Reference.random(DataType.FLOAT, 2, k.o(), k.c(), win.kH(), win.kW());
    INDArray b = k.bias() ? Reference.random(DataType.FLOAT, 3, k.o()) : null;
    INDArray y =
        Nd4j.create(DataType.FLOAT, 1, k.o() + 2, win.outH(7), win.outW(6))
            .get(all(), interval(2, k.o() + 2), all(), all());
    Conv2d conv = new Conv2d(y, x, w, b, win);
    assertEquals("single image", conv.forwardPath(), k.name());
    INDArray expected =
        Reference.conv(
            x.castTo(DataType.DOUBLE),
            w.castTo(DataType.DOUBLE),
            b == null ? null : b.castTo(DataType.DOUBLE),
            win);
    for (int call = 1; call <= 2; call++) {
      conv.forward();
      Reference.assertClose(k.name() + ", call " + call, expected, y, 1e-5);
    }
  }

  /** Which forward each convolution gets: single image, libnd4j for small 1x1, else oneDNN. */
  @Test
  void forwardPathsByBatchTypeAndSize() {
    Window pointwise = new Window(1, 1, 1, 1, 0, 0, false);
    Window three = new Window(3, 3, 1, 1, 1, 1, false);
    Object[][] cases = {
      // n, c, o, h, w, window, type, path
      {1, 20, 16, 4, 4, pointwise, DataType.FLOAT, "single image"},
      {1, 16, 24, 12, 12, three, DataType.FLOAT, "single image"},
      {1, 88, 20, 12, 12, new Window(5, 5, 1, 1, 0, 0, false), DataType.FLOAT, "oneDNN"},
      {1, 16, 24, 12, 12, three, DataType.DOUBLE, "oneDNN"},
      {2, 20, 16, 4, 4, pointwise, DataType.FLOAT, "libnd4j"},
      {2, 10, 24, 12, 12, pointwise, DataType.FLOAT, "oneDNN"},
      {2, 2, 3, 4, 4, three, DataType.FLOAT, "oneDNN"},
    };
    for (Object[] c : cases) {
      int n = (int) c[0];
      int ch = (int) c[1];
      int o = (int) c[2];
      int h = (int) c[3];
      int wd = (int) c[4];
      Window win = (Window) c[5];
      DataType type = (DataType) c[6];
      String what =
          type + " " + n + "x" + ch + "x" + h + "x" + wd + " -> " + o + ", " + win.describe();
      INDArray x = Reference.random(type, 1, n, ch, h, wd);
      INDArray w = Reference.random(type, 2, o, ch, win.kH(), win.kW());
      INDArray b = Reference.random(type, 3, o);
      INDArray y = Nd4j.create(type, n, o, win.outH(h), win.outW(wd));
      Conv2d conv = new Conv2d(y, x, w, b, win);
      assertEquals(c[7], conv.forwardPath(), what);
      conv.forward();
      Reference.assertClose(
          what,
          Reference.conv(
              x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), b.castTo(DataType.DOUBLE), win),
          y,
          1e-4); // FLOAT sums of up to 2,200 products
    }
  }

  @Test
  void writesIntoTheGivenBuffersAndRepeatsExactly() {
    Case k = new Case("pad 1", 3, 4, new Window(3, 3, 1, 1, 1, 1, false), true);
    for (boolean firstLayer : new boolean[] {false, true}) {
      Buffers a = k.make(DataType.FLOAT);
      INDArray[] g = a.gradients();
      INDArray dx = firstLayer ? null : g[0];
      Conv2d conv =
          new Conv2d(a.y(), a.x(), a.w(), a.b(), k.window()).withGradients(dx, g[1], g[2], g[3]);
      g[3].assign(Reference.random(DataType.FLOAT, 5, a.y().shape()));
      long address = a.y().data().address();
      conv.forward();
      conv.backward();
      INDArray[] once = {a.y().dup(), g[1].dup(), g[2].dup()};
      conv.forward();
      conv.backward();
      assertEquals(address, a.y().data().address(), "y keeps its buffer");
      Reference.assertIdentical("y", once[0], a.y());
      Reference.assertIdentical("dw (overwritten, not accumulated)", once[1], g[1]);
      Reference.assertIdentical("db (overwritten, not accumulated)", once[2], g[2]);
      Reference.assertClose(
          "y",
          Reference.conv(
              a.x().castTo(DataType.DOUBLE),
              a.w().castTo(DataType.DOUBLE),
              a.b().castTo(DataType.DOUBLE),
              k.window()),
          a.y(),
          1e-5);
    }
  }

  /**
   * Generated code reads x from and writes y and dy as channel slices of concat buffers. Such a dy
   * cannot be reshaped without a copy, so the bias gradient must not use the matmul form.
   */
  @Test
  void channelSliceViewsGiveTheSameResultsAsContiguousArrays() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Window window = new Window(3, 3, 1, 1, 1, 1, false);
      INDArray xAll = Reference.random(type, 1, 2, 5, 7, 6);
      INDArray yAll = Nd4j.create(type, 2, 6, 7, 6);
      INDArray dyAll = Reference.random(type, 2, 2, 6, 7, 6);
      INDArray x = xAll.get(all(), interval(1, 3), all(), all());
      INDArray y = yAll.get(all(), interval(2, 5), all(), all());
      INDArray dy = dyAll.get(all(), interval(2, 5), all(), all());
      INDArray w = Reference.random(type, 3, 3, 2, 3, 3);
      INDArray b = Reference.random(type, 4, 3);
      INDArray[] first = {Nd4j.create(type, w.shape()), Nd4j.create(type, 3)};
      Conv2d viewed = new Conv2d(y, x, w, b, window).withGradients(null, first[0], first[1], dy);
      viewed.forward();
      viewed.backward();
      INDArray yRef = Nd4j.create(type, y.shape());
      INDArray[] full = {
        Nd4j.create(type, x.shape()), Nd4j.create(type, w.shape()), Nd4j.create(type, 3)
      };
      Conv2d plain =
          new Conv2d(yRef, x.dup(), w, b, window)
              .withGradients(full[0], full[1], full[2], dy.dup());
      plain.forward();
      plain.backward();
      double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
      Reference.assertClose("y " + type, yRef, y, tolerance);
      Reference.assertClose("dw " + type, full[1], first[0], tolerance);
      Reference.assertClose("db " + type, full[2], first[1], tolerance);
      assertEquals(
          0.0,
          yAll.get(all(), interval(0, 2), all(), all()).amaxNumber().doubleValue(),
          "channels outside the slice stay untouched");
    }
  }

  @Test
  void wrongShapesAreReportedWithExpectedAndFound() {
    Window window = new Window(3, 3, 1, 1, 0, 0, false);
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 7, 6);
    INDArray w = Nd4j.create(DataType.FLOAT, 4, 3, 3, 3);
    INDArray b = Nd4j.create(DataType.FLOAT, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Conv2d(Nd4j.create(DataType.FLOAT, 2, 4, 7, 6), x, w, b, window));
    assertTrue(e.getMessage().contains("y must have shape [2, 4, 5, 4]"), e.getMessage());
    assertTrue(e.getMessage().contains("found [2, 4, 7, 6]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    Nd4j.create(DataType.FLOAT, 2, 4, 5, 4),
                    x,
                    Nd4j.create(DataType.FLOAT, 3, 3, 3, 4),
                    b,
                    window));
    assertTrue(e.getMessage().contains("w must have shape [3, 3, 3, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Conv2d(Nd4j.create(DataType.DOUBLE, 2, 4, 5, 4), x, w, b, window));
    assertTrue(e.getMessage().contains("y is DOUBLE"), e.getMessage());
    Conv2d conv = new Conv2d(Nd4j.create(DataType.FLOAT, 2, 4, 5, 4), x, w, b, window);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                conv.withGradients(
                    null,
                    Nd4j.create(DataType.FLOAT, 4, 3, 3, 3),
                    null,
                    Nd4j.create(DataType.FLOAT, 2, 4, 5, 4)));
    assertTrue(
        e.getMessage().contains("db must be given exactly when the bias b is"), e.getMessage());
  }

  /** A grouped convolution: x is [2, c, 5, 4], w [o, c / groups, k, k]. */
  record Grouped(String name, int c, int o, int groups, Window window, boolean bias) {
    @Override
    public String toString() {
      return name;
    }

    Buffers make(DataType type) {
      INDArray x = Reference.random(type, 1, 2, c, 5, 4);
      INDArray w = Reference.random(type, 2, o, c / groups, window.kH(), window.kW());
      INDArray b = bias ? Reference.random(type, 3, o) : null;
      INDArray y = Nd4j.create(type, 2, o, window.outH(5), window.outW(4));
      return new Buffers(x, w, b, y);
    }

    Conv2d conv(Buffers a) {
      return new Conv2d(a.y(), a.x(), a.w(), a.b(), window, groups);
    }

    /** The path GroupedConv takes: per group from 16 input channels per group and 64 in all. */
    String path() {
      return c / groups >= 16 && c >= 64 ? "grouped, per group" : "grouped, diagonal";
    }
  }

  static Stream<Grouped> groupedCases() {
    Window pad1 = new Window(3, 3, 1, 1, 1, 1, false);
    return Stream.of(
        new Grouped("depthwise 4 pad 1", 4, 4, 4, pad1, true),
        new Grouped("depthwise 3, multiplier 2", 3, 6, 3, pad1, true),
        new Grouped("2 groups 4->6 VALID", 4, 6, 2, new Window(3, 3, 1, 1, 0, 0, false), true),
        new Grouped(
            "3 groups 6->3 stride 2 SAME", 6, 3, 3, new Window(3, 3, 2, 2, 0, 0, true), true),
        new Grouped("2 groups 1x1 no bias", 4, 4, 2, new Window(1, 1, 1, 1, 0, 0, false), false),
        new Grouped("2 groups of 16", 32, 4, 2, pad1, true),
        new Grouped("4 groups of 16 per group", 64, 4, 4, pad1, true),
        new Grouped(
            "2 groups of 32 per group, 2x2 SAME (asymmetric), no bias",
            64,
            6,
            2,
            new Window(2, 2, 1, 1, 0, 0, true),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groupedCases")
  void groupedForwardMatchesNaiveReference(Grouped k) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Buffers a = k.make(type);
      Conv2d conv = k.conv(a);
      assertEquals(k.path(), conv.forwardPath(), k.name());
      conv.forward();
      Reference.assertClose(
          k.name() + " " + type,
          Reference.conv(
              a.x().castTo(DataType.DOUBLE),
              a.w().castTo(DataType.DOUBLE),
              a.b() == null ? null : a.b().castTo(DataType.DOUBLE),
              k.window()),
          a.y(),
          type == DataType.DOUBLE ? 1e-12 : 1e-4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groupedCases")
  void groupedGradientsMatchCentralDifferences(Grouped k) {
    Buffers a = k.make(DataType.DOUBLE);
    INDArray[] g = a.gradients();
    Conv2d conv = k.conv(a).withGradients(g[0], g[1], g[2], g[3]);
    Param[] params =
        a.b() == null
            ? new Param[] {new Param("x", a.x(), g[0]), new Param("w", a.w(), g[1])}
            : new Param[] {
              new Param("x", a.x(), g[0]), new Param("w", a.w(), g[1]), new Param("b", a.b(), g[2])
            };
    GradCheck.check(k.name(), conv::forward, conv::backward, a.y(), g[3], 1e-3, params);
  }

  /** Without dx (a first layer), w's and b's gradients are those of the full backward. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("groupedCases")
  void groupedFirstLayerGivesTheSameParameterGradients(Grouped k) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Buffers a = k.make(type);
      INDArray[] full = a.gradients();
      INDArray[] first = a.gradients();
      Conv2d withDx = k.conv(a).withGradients(full[0], full[1], full[2], full[3]);
      Conv2d noDx = k.conv(a).withGradients(null, first[1], first[2], first[3]);
      INDArray dy = Reference.random(type, 7, a.y().shape());
      full[3].assign(dy);
      first[3].assign(dy);
      first[1].assign(Double.NaN); // must be overwritten
      withDx.forward();
      withDx.backward();
      noDx.forward();
      noDx.backward();
      double tolerance = type == DataType.DOUBLE ? 1e-9 : 1e-5;
      Reference.assertClose(k.name() + " dw " + type, full[1], first[1], tolerance);
      if (a.b() != null) {
        Reference.assertClose(k.name() + " db " + type, full[2], first[2], tolerance);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groupedCases")
  void groupedFloatAgreesWithDouble(Grouped k) {
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
    for (int t = 0; t < 2; t++) {
      Buffers a = k.make(types[t]);
      INDArray[] g = a.gradients();
      Conv2d conv = k.conv(a).withGradients(g[0], g[1], g[2], g[3]);
      g[3].assign(Reference.random(types[t], 7, a.y().shape()));
      conv.forward();
      conv.backward();
      results[t] = new INDArray[] {a.y(), g[0], g[1], g[2]};
    }
    String[] names = {"y", "dx", "dw", "db"};
    for (int i = 0; i < names.length; i++) {
      if (results[0][i] != null) {
        Reference.assertClose(k.name() + " " + names[i], results[0][i], results[1][i], 1e-4);
      }
    }
  }

  /** x, y, dx and dy as channel slices of larger buffers, as generated code passes them. */
  @Test
  void groupedChannelSliceViewsGiveTheSameResultsAsContiguousArrays() {
    Window window = new Window(3, 3, 1, 1, 1, 1, false);
    for (int c : new int[] {4, 64}) { // the diagonal and the per-group form
      INDArray xAll = Reference.random(DataType.DOUBLE, 1, 2, c + 3, 7, 6);
      INDArray x = xAll.get(all(), interval(1, c + 1), all(), all());
      INDArray y =
          Nd4j.create(DataType.DOUBLE, 2, 6, 7, 6).get(all(), interval(1, 5), all(), all());
      INDArray dy =
          Reference.random(DataType.DOUBLE, 2, 2, 6, 7, 6).get(all(), interval(2, 6), all(), all());
      INDArray dx =
          Nd4j.create(DataType.DOUBLE, 2, c + 2, 7, 6).get(all(), interval(2, c + 2), all(), all());
      INDArray w = Reference.random(DataType.DOUBLE, 3, 4, c / 2, 3, 3);
      INDArray b = Reference.random(DataType.DOUBLE, 4, 4);
      INDArray[] grads = {Nd4j.create(DataType.DOUBLE, w.shape()), Nd4j.create(DataType.DOUBLE, 4)};
      Conv2d viewed = new Conv2d(y, x, w, b, window, 2).withGradients(dx, grads[0], grads[1], dy);
      viewed.forward();
      viewed.backward();
      INDArray yRef = Nd4j.create(DataType.DOUBLE, y.shape());
      INDArray[] ref = {
        Nd4j.create(DataType.DOUBLE, x.shape()),
        Nd4j.create(DataType.DOUBLE, w.shape()),
        Nd4j.create(DataType.DOUBLE, 4)
      };
      Conv2d plain =
          new Conv2d(yRef, x.dup(), w, b, window, 2)
              .withGradients(ref[0], ref[1], ref[2], dy.dup());
      plain.forward();
      plain.backward();
      Reference.assertClose(c + " channels y", yRef, y, 1e-12);
      Reference.assertClose(c + " channels dx", ref[0], dx, 1e-12);
      Reference.assertClose(c + " channels dw", ref[1], grads[0], 1e-12);
      Reference.assertClose(c + " channels db", ref[2], grads[1], 1e-12);
    }
  }

  /**
   * Weights, bias and their gradients as Parameters makes them: views into flat buffers, here
   * ending near the buffer's end, where ND4J's get(interval) on such a view loses the last group.
   */
  @Test
  void groupedParametersAsViewsOfFlatBuffersGiveTheSameResults() {
    Window window = new Window(3, 3, 1, 1, 1, 1, false);
    for (int c : new int[] {32, 64}) { // 8 channels per group (diagonal), 16 of 64 (per group)
      long weights = 32L * (c / 4) * 9;
      long end = 928 + weights + 32;
      INDArray values = Reference.random(DataType.DOUBLE, 5, end + 64);
      INDArray gradients = Nd4j.create(DataType.DOUBLE, end + 64);
      INDArray w = values.get(interval(928, 928 + weights)).reshape(32, c / 4, 3, 3);
      INDArray b = values.get(interval(928 + weights, end));
      INDArray dw = gradients.get(interval(928, 928 + weights)).reshape(32, c / 4, 3, 3);
      INDArray db = gradients.get(interval(928 + weights, end));
      INDArray x = Reference.random(DataType.DOUBLE, 6, 2, c, 5, 4);
      INDArray dy = Reference.random(DataType.DOUBLE, 7, 2, 32, 5, 4);
      INDArray y = Nd4j.create(DataType.DOUBLE, 2, 32, 5, 4);
      INDArray dx = Nd4j.create(DataType.DOUBLE, x.shape());
      Conv2d viewed = new Conv2d(y, x, w, b, window, 4).withGradients(dx, dw, db, dy);
      viewed.forward();
      viewed.backward();
      INDArray yRef = Nd4j.create(DataType.DOUBLE, y.shape());
      INDArray[] ref = {
        Nd4j.create(DataType.DOUBLE, x.shape()),
        Nd4j.create(DataType.DOUBLE, w.shape()),
        Nd4j.create(DataType.DOUBLE, 32)
      };
      Conv2d plain =
          new Conv2d(yRef, x, w.dup(), b.dup(), window, 4)
              .withGradients(ref[0], ref[1], ref[2], dy);
      plain.forward();
      plain.backward();
      Reference.assertClose(c + " channels y", Reference.conv(x, w, b, window), y, 1e-12);
      Reference.assertClose(c + " channels y", yRef, y, 1e-12);
      Reference.assertClose(c + " channels dx", ref[0], dx, 1e-12);
      Reference.assertClose(c + " channels dw", ref[1], dw, 1e-12);
      Reference.assertClose(c + " channels db", ref[2], db, 1e-12);
    }
  }

  /**
   * Weights changed in place between calls (as an optimizer does) are the ones the next forward
   * uses.
   */
  @Test
  void groupedForwardReadsTheWeightsOfTheCall() {
    Grouped k = new Grouped("depthwise", 4, 4, 4, new Window(3, 3, 1, 1, 1, 1, false), true);
    Buffers a = k.make(DataType.FLOAT);
    Conv2d conv = k.conv(a);
    conv.forward();
    a.w().muli(-2);
    conv.forward();
    Reference.assertClose(
        "after the update",
        Reference.conv(
            a.x().castTo(DataType.DOUBLE),
            a.w().castTo(DataType.DOUBLE),
            a.b().castTo(DataType.DOUBLE),
            k.window()),
        a.y(),
        1e-5);
  }

  @Test
  void groupedForwardAndBackwardAllocateNothingPerCall() {
    Window window = new Window(3, 3, 1, 1, 1, 1, false);
    for (int c : new int[] {8, 64}) {
      INDArray x = Reference.random(DataType.FLOAT, 1, 4, c, 8, 8);
      INDArray w = Reference.random(DataType.FLOAT, 2, 8, c / 2, 3, 3);
      INDArray y = Nd4j.create(DataType.FLOAT, 4, 8, 8, 8);
      Conv2d conv =
          new Conv2d(y, x, w, Reference.random(DataType.FLOAT, 3, 8), window, 2)
              .withGradients(
                  Nd4j.create(DataType.FLOAT, x.shape()),
                  Nd4j.create(DataType.FLOAT, w.shape()),
                  Nd4j.create(DataType.FLOAT, 8),
                  Reference.random(DataType.FLOAT, 4, y.shape()));
      BatchNormTest.assertFewBytes(conv.forwardPath() + " forward", conv::forward);
      BatchNormTest.assertFewBytes(conv.forwardPath() + " backward", conv::backward);
    }
  }

  @Test
  void groupsThatDoNotDivideAreReportedWithTheShapes() {
    Window window = new Window(3, 3, 1, 1, 1, 1, false);
    INDArray x = Nd4j.create(DataType.FLOAT, 2, 6, 7, 6);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    Nd4j.create(DataType.FLOAT, 2, 4, 7, 6),
                    x,
                    Nd4j.create(DataType.FLOAT, 4, 2, 3, 3),
                    null,
                    window,
                    4));
    assertTrue(
        e.getMessage()
            .contains(
                "groups must be positive and divide both the 6 channels of x [2, 6, 7, 6]"
                    + " and the 4 rows of w [4, 2, 3, 3], got 4"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    Nd4j.create(DataType.FLOAT, 2, 4, 7, 6),
                    x,
                    Nd4j.create(DataType.FLOAT, 4, 6, 3, 3),
                    null,
                    window,
                    2));
    assertTrue(
        e.getMessage()
            .contains(
                "w must have shape [4, 3, 3, 3] (PyTorch layout [out, in / groups, kH, kW],"
                    + " 2 groups)"),
        e.getMessage());
  }

  @Test
  void backwardWithoutGradientsSaysWhatToCall() {
    Buffers a = new Case("x", 2, 3, new Window(3, 3, 1, 1, 0, 0, false), true).make(DataType.FLOAT);
    Conv2d conv = new Conv2d(a.y(), a.x(), a.w(), a.b(), new Window(3, 3, 1, 1, 0, 0, false));
    var e = assertThrows(IllegalStateException.class, conv::backward);
    assertTrue(e.getMessage().contains("withGradients"), e.getMessage());
    INDArray[] g = a.gradients();
    assertSame(conv, conv.withGradients(g[0], g[1], g[2], g[3]));
  }
}
