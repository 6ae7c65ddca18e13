package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.IdxFiles.gzip;
import static dev.netwright.runtime.data.IdxFiles.prefix;
import static dev.netwright.runtime.data.ImagesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real digits from Debian's {@code python3-sklearn} package. CI installs it, so a missing
 * package fails this test (with the install hint) rather than skipping it.
 */
class DigitsTest {
  @TempDir Path dir;

  @Test
  void debianFile() throws IOException {
    Dataset digits = Digits.load(Digits.DEBIAN);

    assertEquals(1_797, digits.size());
    assertEquals(1, digits.channels());
    assertEquals(8, digits.height());
    assertEquals(8, digits.width());
    assertEquals(10, digits.classes());
    // scikit-learn's load_digits(): np.bincount(target)
    assertArrayEquals(
        new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, digits.classCounts());
    // The first row: 0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,... label 0.
    assertEquals(0, digits.label(0));
    assertEquals(5 / 16f, digits.pixel(0, 0, 0, 2));
    assertEquals(13 / 16f, digits.pixel(0, 0, 0, 3));
    assertEquals(10 / 16f, digits.pixel(0, 0, 1, 4));
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    float[] image = new float[64];
    for (int i = 0; i < digits.size(); i++) {
      digits.copyImage(i, image, 0);
      for (float v : image) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        assertEquals(v, Math.round(v * 16) / 16f, "a multiple of 1/16");
      }
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void plainCsvWorksToo() throws IOException {
    Path file = write("d.csv", row(3, 16) + "\r\n\n" + row(9, 0) + "\n", false);

    Dataset d = Digits.load(file);

    assertEquals(2, d.size());
    assertEquals(3, d.label(0));
    assertEquals(1f, d.pixel(0, 0, 7, 7));
    assertEquals(0f, d.pixel(1, 0, 0, 0));
  }

  @Test
  void wrongColumnCountNamesTheLine() throws IOException {
    String short63 = row(1, 2).substring(2); // drops the first pixel
    Path file = write("d.csv.gz", row(0, 1) + "\n" + short63 + "\n", true);

    assertError(
        file
            + ": line 2 has 64 comma-separated values; expected 65 (64 pixel values, "
            + "then the label)",
        () -> Digits.load(file));
  }

  @Test
  void labelOutsideTheDigits() throws IOException {
    Path file = write("d.csv.gz", row(0, 1) + "\n" + row(10, 1) + "\n", true);
    Path half = write("h.csv.gz", row(0, 1).replaceFirst(",0$", ",3.5") + "\n", true);

    assertError(
        file
            + ": line 2, column 65: label 10 is outside 0 to 9; expected the digit the "
            + "row shows",
        () -> Digits.load(file));
    assertError(
        half + ": line 1, column 65: label 3.5 is not a whole number", () -> Digits.load(half));
  }

  @Test
  void nonNumberNamesLineAndColumn() throws IOException {
    String bad = row(4, 1).replaceFirst("^((?:1,){16})1,", "$1abc,");
    Path file = write("d.csv.gz", row(0, 1) + "\n" + row(0, 1) + "\n" + bad + "\n", true);
    Path blank = write("b.csv.gz", row(0, 1).replaceFirst("^1,", ","), true);

    assertError(
        file
            + ": line 3, column 17: \"abc\" is not a number; expected a pixel value "
            + "from 0 to 16",
        () -> Digits.load(file));
    assertError(blank + ": line 1, column 1: empty value", () -> Digits.load(blank));
  }

  @Test
  void pixelOutOfRange() throws IOException {
    Path file = write("d.csv.gz", row(0, 17), true);

    assertError(
        file + ": line 1, column 1: pixel value 17 is outside 0 to 16", () -> Digits.load(file));
  }

  @Test
  void emptyFiles() throws IOException {
    Path plain = write("e.csv", "", false);
    Path gzipped = write("e.csv.gz", "\n\n", true);

    assertError(
        plain
            + ": no rows: the file is empty or blank; expected scikit-learn's "
            + "digits.csv.gz (1,797 rows of 65 comma-separated numbers",
        () -> Digits.load(plain));
    assertError(gzipped + ": no rows", () -> Digits.load(gzipped));
  }

  @Test
  void truncatedGzip() throws IOException {
    byte[] whole =
        Files.readAllBytes(
            write("w.csv.gz", String.join("\n", Collections.nCopies(200, row(5, 7))), true));
    Path file = Files.write(dir.resolve("d.csv.gz"), prefix(whole, whole.length / 2));

    assertError(file + ": truncated gzip stream after", () -> Digits.load(file));
  }

  @Test
  void missingFileSaysHowToInstallIt() {
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Digits.load(dir.resolve("digits.csv.gz")));
    assertTrue(
        e.getMessage()
            .contains(
                "run `sudo apt-get install python3-sklearn`, which "
                    + "installs it as "
                    + Digits.DEBIAN),
        e.getMessage());
  }

  /** 64 copies of {@code pixel}, then the label. */
  private static String row(int label, int pixel) {
    return String.join(",", Collections.nCopies(64, String.valueOf(pixel))) + "," + label;
  }

  private Path write(String name, String text, boolean gzip) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return Files.write(dir.resolve(name), gzip ? gzip(bytes) : bytes);
  }
}
