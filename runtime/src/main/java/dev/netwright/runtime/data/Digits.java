package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.Idx.n;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes), read from the {@code
 * digits.csv.gz} scikit-learn ships: one row per image, its 64 pixel values 0 to 16 row by row,
 * then the label, comma-separated, no header. Pixels are scaled to [0, 1] by dividing by 16; images
 * are [1, 8, 8].
 */
public final class Digits {
  /** Where Debian's {@code python3-sklearn} package installs the file. */
  public static final Path DEBIAN =
      Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");

  /** Number of classes: the digits 0 to 9. */
  public static final int CLASSES = 10;

  /** Image height and width. */
  public static final int SIDE = 8;

  /** The largest pixel value: a pixel counts the set pixels of a 4×4 block of the 32×32 scan. */
  public static final int MAX_PIXEL = 16;

  private static final int COLUMNS = SIDE * SIDE + 1;
  private static final String WHAT =
      "scikit-learn's digits.csv.gz (1,797 rows of 65 "
          + "comma-separated numbers: 64 pixel values 0 to 16, then the label 0 to 9)";
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private Digits() {}

  /**
   * Loads the digits from {@code csvGz}, gzipped (detected from the content) or plain CSV.
   *
   * @throws NoSuchFileException if the file is missing, saying how to install it
   * @throws DataFileException naming the file, line and column of the first bad value
   */
  public static Dataset load(Path csvGz) throws IOException {
    if (!Files.exists(csvGz)) {
      throw new NoSuchFileException(
          csvGz.toString(),
          null,
          "no such file; expected "
              + WHAT
              + ": run `sudo apt-get install python3-sklearn`, which installs it as "
              + DEBIAN
              + ", or pass the sklearn/datasets/data/digits.csv.gz of any scikit-learn installation");
    }
    if (Files.isDirectory(csvGz)) {
      throw new DataFileException(csvGz, "is a folder; expected the file " + WHAT);
    }
    float[] pixels = new float[2048 * SIDE * SIDE];
    int[] labels = new int[2048];
    int rows = 0;
    try (BufferedReader in = open(csvGz)) {
      int line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (line == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1); // a byte-order mark from a spreadsheet export
        }
        if (text.isBlank()) {
          continue;
        }
        String[] cells = text.split(",", -1);
        if (cells.length != COLUMNS) {
          throw new DataFileException(
              csvGz,
              "line "
                  + line
                  + " has "
                  + cells.length
                  + " comma-separated values; expected 65 (64 pixel values, then the label): is this "
                  + WHAT
                  + "?");
        }
        if (rows == labels.length) {
          labels = Arrays.copyOf(labels, 2 * rows);
          pixels = Arrays.copyOf(pixels, 2 * rows * SIDE * SIDE);
        }
        for (int k = 0; k < SIDE * SIDE; k++) {
          double v = number(csvGz, line, k, cells[k], "a pixel value from 0 to " + MAX_PIXEL);
          if (v < 0 || v > MAX_PIXEL) {
            throw new DataFileException(
                csvGz,
                "line "
                    + line
                    + ", column "
                    + (k + 1)
                    + ": pixel value "
                    + cells[k].strip()
                    + " is outside 0 to "
                    + MAX_PIXEL
                    + "; expected "
                    + WHAT);
          }
          pixels[rows * SIDE * SIDE + k] = (float) (v / MAX_PIXEL);
        }
        String cell = cells[COLUMNS - 1];
        double label = number(csvGz, line, COLUMNS - 1, cell, "the label, a digit 0 to 9");
        boolean whole = label == Math.rint(label);
        if (!whole || label < 0 || label >= CLASSES) {
          throw new DataFileException(
              csvGz,
              "line "
                  + line
                  + ", column "
                  + COLUMNS
                  + ": label "
                  + cell.strip()
                  + " is "
                  + (whole ? "outside 0 to 9" : "not a whole number")
                  + "; expected the digit the row shows, 0 to 9, as the last of 65 values");
        }
        labels[rows++] = (int) label;
      }
    } catch (ZipException e) {
      throw new DataFileException(
          csvGz,
          "corrupt gzip stream ("
              + e.getMessage()
              + "); fetch or "
              + "reinstall the file (sudo apt-get install --reinstall python3-sklearn)",
          e);
    } catch (EOFException e) {
      throw new DataFileException(
          csvGz,
          "truncated gzip stream after "
              + n(rows)
              + " rows; fetch "
              + "or reinstall the file (sudo apt-get install --reinstall python3-sklearn)",
          e);
    }
    if (rows == 0) {
      throw new DataFileException(csvGz, "no rows: the file is empty or blank; expected " + WHAT);
    }
    return Dataset.of(
        1,
        SIDE,
        SIDE,
        CLASSES,
        Arrays.copyOf(pixels, rows * SIDE * SIDE),
        Arrays.copyOf(labels, rows));
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The value of a cell: a plain decimal number, as NumPy's loadtxt reads it. */
  private static double number(Path file, int line, int column, String cell, String expected)
      throws DataFileException {
    String s = cell.strip();
    if (!s.isEmpty() && s.length() <= 9 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Integer.parseInt(s); // the common case: the file holds small integers
    }
    if (!NUMBER.matcher(s).matches()) {
      throw new DataFileException(
          file,
          "line "
              + line
              + ", column "
              + (column + 1)
              + ": "
              + (s.isEmpty() ? "empty value" : "\"" + s + "\" is not a number")
              + "; expected "
              + expected);
    }
    return Double.parseDouble(s);
  }
}
