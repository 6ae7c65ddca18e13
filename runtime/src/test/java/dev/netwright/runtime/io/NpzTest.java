package dev.netwright.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpzTest {
  @TempDir Path dir;

  /**
   * A TinyNet trained a few steps, so that every parameter and buffer holds something of its own.
   */
  private static TinyNet trained(long seed) {
    TinyNet model = new TinyNet(seed);
    CheckpointTest.train(model, new Sgd(model.parameters(), 0.1, 0.9), 3);
    return model;
  }

  @Test
  void exportThenImportIsBitIdenticalAndReproducible() throws IOException {
    TinyNet a = trained(1);
    Path file = dir.resolve("a.npz");
    Npz.export(file, a);
    TinyNet b = new TinyNet(2);
    assertNotEquals(CheckpointTest.snapshot(a, null), CheckpointTest.snapshot(b, null));
    Npz.importInto(file, b);
    assertEquals(CheckpointTest.snapshot(a, null), CheckpointTest.snapshot(b, null));

    Path again = dir.resolve("again.npz");
    Npz.export(again, b);
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "one model, one file");
  }

  @Test
  void float64ImportsIntoFloat32RoundingToNearestAndBack() throws IOException {
    TinyNet wide = new TinyNet("TinyNet", DataType.DOUBLE, 4, 3, 1);
    SplittableRandom random = new SplittableRandom(5);
    INDArray values = wide.parameters().values();
    values.assign(Nd4j.createFromArray(random.doubles(values.length(), -1, 1).toArray()));
    wide.parameters().buffers().assign(Nd4j.createFromArray(random.doubles(6, 0, 2).toArray()));
    Path file = dir.resolve("f8.npz");
    Npz.export(file, wide);
    assertEquals("<f8", header(entries(file).get("fc.weight.npy")).get("descr"));

    TinyNet narrow = new TinyNet(2);
    Npz.importInto(file, narrow);
    double[] d = values.toDoubleVector();
    float[] f = narrow.parameters().values().toFloatVector();
    for (int i = 0; i < d.length; i++) {
      assertEquals((float) d[i], f[i], 0f, "element " + i);
      assertNotEquals(d[i], (double) f[i]); // a real rounding, not a lucky match
    }
    double[] db = wide.parameters().buffers().toDoubleVector();
    float[] fb = narrow.parameters().buffers().toFloatVector();
    for (int i = 0; i < db.length; i++) {
      assertEquals((float) db[i], fb[i], 0f);
    }

    // float32 widens exactly.
    Path f4 = dir.resolve("f4.npz");
    Npz.export(f4, narrow);
    TinyNet back = new TinyNet("TinyNet", DataType.DOUBLE, 4, 3, 3);
    Npz.importInto(f4, back);
    double[] widened = back.parameters().values().toDoubleVector();
    for (int i = 0; i < f.length; i++) {
      assertEquals(f[i], widened[i], 0.0);
    }
  }

  @Test
  void entriesAreNpyVersion1AsNumpyWritesThem() throws IOException {
    TinyNet a = trained(1);
    Path file = dir.resolve("a.npz");
    Npz.export(file, a);
    Map<String, byte[]> entries = entries(file);
    assertEquals(
        List.of(
            "fc.weight.npy",
            "fc.bias.npy",
            "bn.running_mean.npy",
            "bn.running_var.npy",
            "bn.num_batches_tracked.npy"),
        new ArrayList<>(entries.keySet()));

    byte[] weight = entries.get("fc.weight.npy");
    assertArrayEquals(
        new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(weight, 8));
    int headerLength = (weight[8] & 0xFF) | (weight[9] & 0xFF) << 8;
    assertEquals(0, (10 + headerLength) % 64, "the data starts 64-byte aligned");
    String text = new String(weight, 10, headerLength, StandardCharsets.US_ASCII);
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 16), }";
    assertEquals(dict + " ".repeat(headerLength - dict.length() - 1) + "\n", text);
    assertEquals(10 + headerLength + 48 * 4, weight.length);
    ByteBuffer data =
        ByteBuffer.wrap(weight, 10 + headerLength, 48 * 4).order(ByteOrder.LITTLE_ENDIAN);
    float[] expected = a.parameters().get("fc.weight").value().dup().reshape(48).toFloatVector();
    for (int i = 0; i < 48; i++) {
      assertEquals(
          Float.floatToIntBits(expected[i]),
          Float.floatToIntBits(data.getFloat()),
          "c order, little-endian");
    }

    assertEquals(
        Map.of("descr", "<f4", "fortran_order", "False", "shape", "(3,)"),
        header(entries.get("fc.bias.npy")));
    assertEquals(
        Map.of("descr", "<i8", "fortran_order", "False", "shape", "()"),
        header(entries.get("bn.num_batches_tracked.npy")));
    byte[] tracked = entries.get("bn.num_batches_tracked.npy");
    assertEquals(
        128 + 8, tracked.length); // 10 + 55 + 1 bytes of header round up to 128, as NumPy does

    // Our own reader sees the same.
    Map<String, INDArray> read = Npz.read(file);
    assertEquals(
        List.of(
            "fc.weight", "fc.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"),
        new ArrayList<>(read.keySet()));
    assertEquals(a.parameters().get("fc.weight").value(), read.get("fc.weight"));
    assertEquals(a.parameters().buffer("bn.running_var").value(), read.get("bn.running_var"));
    assertEquals(DataType.INT64, read.get("bn.num_batches_tracked").dataType());
    assertEquals(0, read.get("bn.num_batches_tracked").rank());
  }

  @Test
  void headersArePaddedByteForByteAsNumpySaveWritesThem() {
    // Dicts and trailing spaces (before the newline) from numpy 1.24's np.save, 128 bytes each.
    assertHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", 62, "<i8");
    assertHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 16), }", 57, "<f4", 3, 16);
    assertHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 60, "<f8", 3);
    assertHeader(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 1, 5, 5), }",
        51,
        "<f4",
        10,
        1,
        5,
        5);
    assertHeader(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1234567,), }", 54, "<f4", 1234567);
    assertHeader(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2, 2, 2, 2, 2, 2, 2), }",
        37,
        "<f4",
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2);
  }

  private static void assertHeader(String dict, int spaces, String descr, long... shape) {
    String text = dict + " ".repeat(spaces) + "\n";
    byte[] expected = new byte[10 + text.length()];
    System.arraycopy(
        new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length(), 0},
        0,
        expected,
        0,
        10);
    System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, expected, 10, text.length());
    assertEquals(128, expected.length);
    assertArrayEquals(expected, Npy.header(descr, shape), dict);
  }

  @Test
  void aFileForAnotherNetworkNamesEveryDifferenceAndChangesNothing() throws IOException {
    Path file = dir.resolve("wider.npz");
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    arrays.put("fc.weight", Nd4j.create(DataType.FLOAT, 5, 16));
    arrays.put("fc.bias", Nd4j.create(DataType.FLOAT, 3));
    arrays.put("bn.running_mean", Nd4j.create(DataType.INT64, 3));
    arrays.put("fc2.weight", Nd4j.create(DataType.FLOAT, 3, 5));
    Npz.write(file, arrays);
    TinyNet model = trained(1);
    var before = CheckpointTest.snapshot(model, null);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Npz.importInto(file, model));
    assertEquals(
        file
            + ": does not fit TinyNet: 4 of its arrays differ from the model's parameters and buffers:\n"
            + "  shape differs: fc.weight is [5, 16] in the file, [3, 16] in the model\n"
            + "  missing from the file: bn.running_var [3]\n"
            + "  unexpected in the file (not in the model): fc2.weight [3, 5]\n"
            + "  type differs: bn.running_mean is <i8 in the file; the model needs float32 or float64\n"
            + "Export it from the equivalent PyTorch module's state_dict (Npz's documentation gives the names).",
        e.getMessage());
    assertEquals(before, CheckpointTest.snapshot(model, null));
  }

  @Test
  void damagedAndForeignFilesAreReportedAndChangeNothing() throws IOException {
    TinyNet model = trained(1);
    var before = CheckpointTest.snapshot(model, null);
    Path good = dir.resolve("good.npz");
    Npz.export(good, new TinyNet(7));
    byte[] bytes = Files.readAllBytes(good);

    Path text = dir.resolve("text.npz");
    Files.writeString(text, "not a zip at all");
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Npz.importInto(text, model));
    assertTrue(e.getMessage().startsWith(text + ": is not a readable .npz ("), e.getMessage());

    Path cut = dir.resolve("cut.npz");
    for (int length : new int[] {0, 10, bytes.length / 2, bytes.length - 1}) {
      Files.write(cut, Arrays.copyOf(bytes, length));
      e =
          assertThrows(
              ModelFileException.class, () -> Npz.importInto(cut, model), "cut at " + length);
      assertTrue(e.getMessage().contains("is not a readable .npz"), e.getMessage());
    }

    // One flipped bit in the first array's data: the entry's CRC catches it.
    int data =
        indexOf(bytes, "\u0093NUMPY")
            + 128; // fc.weight's header, padded to 128 bytes with the magic
    byte[] flipped = bytes.clone();
    flipped[data + 5] ^= 4;
    Path bad = dir.resolve("bad.npz");
    Files.write(bad, flipped);
    e = assertThrows(ModelFileException.class, () -> Npz.importInto(bad, model));
    assertEquals(
        bad + ": entry fc.weight.npy is damaged: it does not match its CRC; export it again",
        e.getMessage());
    assertEquals(before, CheckpointTest.snapshot(model, null));
  }

  @Test
  void npyReadsWhatNumpyMayWrite() throws IOException {
    // Big-endian float64, format 2.0 (4-byte header length), as numpy.save(..., allow_pickle=False)
    // can produce.
    String dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
    String padded = dict + " ".repeat(128 - 12 - dict.length() - 1) + "\n";
    out.write(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(padded.length()).array());
    out.write(padded.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer values = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < 6; i++) {
      values.putDouble(i + 0.25);
    }
    out.write(values.array());
    Path file = dir.resolve("be.npy");
    Files.write(file, out.toByteArray());
    INDArray a = Npy.read(file);
    assertEquals(DataType.DOUBLE, a.dataType());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertArrayEquals(
        new double[] {0.25, 1.25, 2.25, 3.25, 4.25, 5.25}, a.reshape(6).toDoubleVector(), 0.0);

    Path fortran = dir.resolve("f.npy");
    Files.write(fortran, out.toByteArray());
    byte[] f = Files.readAllBytes(fortran);
    byte[] patched =
        new String(f, StandardCharsets.ISO_8859_1)
            .replace("'fortran_order': False", "'fortran_order': True ")
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(fortran, patched);
    ModelFileException e = assertThrows(ModelFileException.class, () -> Npy.read(fortran));
    assertEquals(
        fortran + ": is stored in Fortran order; save np.ascontiguousarray(a) instead",
        e.getMessage());

    // And our writer's output reads back exactly, any layout in.
    INDArray transposed = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}).transpose();
    Path mine = dir.resolve("mine.npy");
    Npy.write(mine, transposed);
    assertEquals(transposed, Npy.read(mine));
    assertEquals(
        Map.of("descr", "<f4", "fortran_order", "False", "shape", "(3, 2)"),
        header(Files.readAllBytes(mine)));
  }

  /**
   * The entries of an .npz by name, read with the JDK's zip reader, checking they are stored as
   * np.savez does.
   */
  private static Map<String, byte[]> entries(Path file) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }

  /** The dict of a .npy 1.0 image, parsed by hand: descr, fortran_order and shape as written. */
  private static Map<String, String> header(byte[] npy) {
    int length = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
    String text = new String(npy, 10, length, StandardCharsets.US_ASCII);
    assertTrue(text.endsWith("\n"), text);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "\\{'descr': '([^']*)', 'fortran_order': (True|False), 'shape': (\\([^)]*\\)), } *\n")
            .matcher(text);
    assertTrue(m.matches(), text);
    return Map.of("descr", m.group(1), "fortran_order", m.group(2), "shape", m.group(3));
  }

  private static int indexOf(byte[] bytes, String what) {
    byte[] w = what.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + w.length <= bytes.length; i++) {
      for (int k = 0; k < w.length; k++) {
        if (bytes[i + k] != w[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(what + " not found");
  }
}
