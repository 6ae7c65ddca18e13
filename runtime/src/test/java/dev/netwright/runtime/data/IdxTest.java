package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.IdxFiles.gzip;
import static dev.netwright.runtime.data.IdxFiles.images;
import static dev.netwright.runtime.data.IdxFiles.labels;
import static dev.netwright.runtime.data.IdxFiles.prefix;
import static dev.netwright.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "gzip = {0}")
  @ValueSource(booleans = {false, true})
  void readsImagesBackAsWritten(boolean gzip) throws IOException {
    byte[] pixels = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255, 9, 8, 7, 6, 5, 4};
    Path file = write(dir, "img", images(Idx.IMAGES_MAGIC, 2, 2, 3, pixels), gzip);

    IdxImages images = Idx.readImages(file);

    assertEquals(2, images.count());
    assertEquals(2, images.rows());
    assertEquals(3, images.cols());
    assertArrayEquals(pixels, images.bytes());
    assertEquals(0, images.pixel(0, 0, 0));
    assertEquals(128, images.pixel(0, 1, 0), "bytes are unsigned");
    assertEquals(255, images.pixel(0, 1, 2));
    assertEquals(4, images.pixel(1, 1, 2));
  }

  @ParameterizedTest(name = "gzip = {0}")
  @ValueSource(booleans = {false, true})
  void readsLabelsBackAsWritten(boolean gzip) throws IOException {
    Path file = write(dir, "lbl", labels(3, 0, 9, 255), gzip);

    IdxLabels labels = Idx.readLabels(file);

    assertEquals(4, labels.count());
    assertEquals(3, labels.label(0));
    assertEquals(9, labels.label(2));
    assertEquals(255, labels.label(3), "bytes are unsigned");
  }

  @Test
  void detectsGzipByContentNotName() throws IOException {
    Path gzipWithoutSuffix = write(dir, "images", gzip(images(3, 4, 4)));
    Path plainWithSuffix = write(dir, "images.gz", images(3, 4, 4));

    assertArrayEquals(
        Idx.readImages(plainWithSuffix).bytes(), Idx.readImages(gzipWithoutSuffix).bytes());
  }

  @Test
  void labelFileAsImagesSaysSo() throws IOException {
    Path file = write(dir, "train-images-idx3-ubyte.gz", gzip(labels(1, 2, 3)));

    assertMessage(
        "train-images-idx3-ubyte.gz: wrong magic number 0x00000801, expected 0x00000803 "
            + "(an IDX image file); is this a label file?",
        () -> Idx.readImages(file));
  }

  @Test
  void imageFileAsLabelsSaysSo() throws IOException {
    Path file = write(dir, "train-labels-idx1-ubyte", images(2, 3, 3));

    assertMessage(
        "train-labels-idx1-ubyte: wrong magic number 0x00000803, expected 0x00000801 "
            + "(an IDX label file); is this an image file?",
        () -> Idx.readLabels(file));
  }

  @Test
  void otherFilesAreNamedForWhatTheyLookLike() throws IOException {
    Path html = write(dir, "html", "<!DOCTYPE html><html>404</html>".getBytes());
    Path floats = write(dir, "floats", images(0x00000D03, 1, 1, 1, new byte[4]));
    Path zip = write(dir, "zip", "PK\3\4 a zip archive".getBytes());

    assertMessage("an HTML or XML page", () -> Idx.readImages(html));
    assertMessage(
        "wrong magic number 0x00000D03, expected 0x00000803 (an IDX image file); this is "
            + "an IDX file of element type 0x0D with 3 dimensions",
        () -> Idx.readImages(floats));
    assertMessage("a zip archive: unzip it first", () -> Idx.readLabels(zip));
  }

  @ParameterizedTest(name = "gzip = {0}")
  @ValueSource(booleans = {false, true})
  void truncatedHeader(boolean gzip) throws IOException {
    Path file = write(dir, "img", prefix(images(3, 4, 4), 9), gzip);

    assertMessage(
        "img"
            + (gzip ? ".gz" : "")
            + ": truncated header: an IDX image file starts with a "
            + "16-byte header (magic number, image count, rows, columns) but the file "
            + (gzip ? "decompresses to only" : "ends after")
            + " 9 bytes",
        () -> Idx.readImages(file));
  }

  @ParameterizedTest(name = "gzip = {0}")
  @ValueSource(booleans = {false, true})
  void truncatedPixels(boolean gzip) throws IOException {
    byte[] whole = images(10, 28, 28);
    Path file = write(dir, "img", prefix(whole, 16 + 3 * 784 + 100), gzip);

    assertMessage(
        ": truncated: the header promises 10 images of 28×28 (7,840 bytes of pixels) but "
            + "the file ends after 3 of them (2,452 bytes)",
        () -> Idx.readImages(file));
  }

  @Test
  void truncatedGzipStream() throws IOException {
    byte[] compressed = gzip(images(50, 28, 28));
    Path file = write(dir, "img.gz", prefix(compressed, compressed.length / 2));

    assertMessage(
        "img.gz: truncated: the header promises 50 images of 28×28", () -> Idx.readImages(file));
  }

  @Test
  void truncatedLabels() throws IOException {
    Path file = write(dir, "lbl", prefix(labels(1, 2, 3, 4, 5), 8 + 2));

    assertMessage(
        "lbl: truncated: the header promises 5 labels (5 bytes) but the file ends after 2 "
            + "of them;",
        () -> Idx.readLabels(file));
  }

  @Test
  void emptyFile() throws IOException {
    Path plain = write(dir, "img", new byte[0]);
    Path gzipped = write(dir, "img.gz", gzip(new byte[0]));

    assertMessage(
        "img: empty file (0 bytes); expected an IDX image file", () -> Idx.readImages(plain));
    assertMessage(
        "img.gz: empty: the gzip stream decompresses to 0 bytes; expected an IDX label " + "file",
        () -> Idx.readLabels(gzipped));
  }

  @Test
  void corruptGzipNamesTheFileAndKeepsTheCause() throws IOException {
    byte[] compressed = gzip(images(20, 28, 28));
    for (int i = 12; i < compressed.length - 8; i += 3) {
      compressed[i] ^= 0x5a;
    }
    Path file = write(dir, "img.gz", compressed);

    IdxFormatException e =
        assertMessage("img.gz: corrupt gzip stream (", () -> Idx.readImages(file));
    assertInstanceOf(ZipException.class, e.getCause());
  }

  @Test
  void wrongGzipChecksumIsCorrupt() throws IOException {
    byte[] compressed = gzip(images(3, 4, 4));
    compressed[compressed.length - 6] ^= 1; // CRC-32 in the trailer
    Path file = write(dir, "img.gz", compressed);

    assertMessage("img.gz: corrupt gzip stream (Corrupt GZIP trailer)", () -> Idx.readImages(file));
  }

  @Test
  void implausibleDimensions() throws IOException {
    Path zeroRows = write(dir, "a", images(Idx.IMAGES_MAGIC, 5, 0, 28, new byte[0]));
    Path negative = write(dir, "b", images(Idx.IMAGES_MAGIC, -3, 28, 28, new byte[0]));
    Path huge = write(dir, "c", images(Idx.IMAGES_MAGIC, 100_000, 10_000, 10_000, new byte[0]));
    Path noLabels = write(dir, "d", IdxFiles.labelsWithHeader(Idx.LABELS_MAGIC, 0));

    assertMessage(
        "a: implausible header: 5 images of 0×28; expected a positive image count, rows "
            + "and columns",
        () -> Idx.readImages(zeroRows));
    assertMessage("b: implausible header: -3 images of 28×28", () -> Idx.readImages(negative));
    assertMessage(
        "c: implausible header: the header promises 100,000 images of 10000×10000 "
            + "(10,000,000,000,000 bytes of pixels), more than the 2,147,483,639 one Java array can "
            + "hold",
        () -> Idx.readImages(huge));
    assertMessage("d: implausible header: 0 labels", () -> Idx.readLabels(noLabels));
  }

  @ParameterizedTest(name = "gzip = {0}")
  @ValueSource(booleans = {false, true})
  void dataAfterThePromisedCountIsRejected(boolean gzip) throws IOException {
    byte[] pixels = new byte[3 * 4 * 4 + 5];
    Path file = write(dir, "img", images(Idx.IMAGES_MAGIC, 3, 4, 4, pixels), gzip);

    assertMessage(
        "the header promises 3 images of 4×4 (48 bytes of pixels) but "
            + (gzip ? "the gzip stream decompresses to more bytes" : "5 more bytes follow")
            + "; expected the file to end there",
        () -> Idx.readImages(file));
  }

  @Test
  void missingFile() {
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Idx.readLabels(dir.resolve("nope")));
    assertTrue(
        e.getMessage().endsWith("nope: no such file; expected an IDX label file"), e.getMessage());
  }

  /** Asserts an IdxFormatException whose message contains {@code expected}; returns it. */
  static IdxFormatException assertMessage(String expected, ThrowingRunnable code) {
    IdxFormatException e = assertThrows(IdxFormatException.class, code::run);
    assertTrue(
        e.getMessage().contains(expected),
        () ->
            "expected the message to contain\n  " + expected + "\nbut it was\n  " + e.getMessage());
    return e;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
