package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.ImageFiles.grey;
import static dev.netwright.runtime.data.ImageFiles.grey16;
import static dev.netwright.runtime.data.ImageFiles.rgba;
import static dev.netwright.runtime.data.ImageFiles.solid;
import static dev.netwright.runtime.data.ImageFiles.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagesTest {
  @TempDir Path dir;

  @Test
  void shrinkingAveragesTheWholeFootprintLikePilBilinear() {
    // 4 -> 2: support 2 source pixels, weights (3, 3, 1)/7 and (1, 3, 3)/7 around each centre.
    float[] out = new float[2];
    Images.resize(new float[] {0, 1, 2, 3}, 1, 1, 4, out, 1, 2);
    assertArrayEquals(new float[] {5f / 7, 16f / 7}, out, 1e-6f);

    float[] mean = new float[1];
    Images.resize(new float[] {0, 1, 1, 0}, 1, 2, 2, mean, 1, 1);
    assertArrayEquals(new float[] {0.5f}, mean, 1e-6f, "a checkerboard shrinks to its mean");
  }

  @Test
  void enlargingIsBilinearWithPixelCentresAligned() {
    float[] out = new float[4];
    Images.resize(new float[] {0, 1}, 1, 1, 2, out, 1, 4);
    assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, out, 1e-6f);
  }

  @Test
  void matchesPilBilinearOnFloatImages() {
    // Expected values from Pillow 9.4: Image.fromarray(a, mode="F").resize((w, h), BILINEAR);
    // mode F resamples in float, so only float rounding separates the two.
    float[] shrink = new float[3 * 4];
    Images.resize(
        new float[] {
          0.47f, 0.51f, 0.75f, 0.95f, 0.03f, 0.14f, 0.82f, 0.94f, 0.24f, 0.31f, 0.86f, 0.42f,
          0.27f, 0.82f, 0.25f, 0.40f, 0.64f, 0.54f, 0.08f, 0.02f, 0.86f, 0.75f, 0.83f, 0.53f,
          0.81f, 0.32f, 0.45f, 0.78f, 0.12f, 0.30f, 0.12f, 0.45f, 0.97f, 0.13f, 0.38f
        },
        1,
        5,
        7,
        shrink,
        3,
        4);
    assertArrayEquals(
        new float[] {
          0.5474150f,
          0.6260000f,
          0.3968571f,
          0.5227891f,
          0.4924338f,
          0.5618667f,
          0.3307556f,
          0.5197884f,
          0.4442857f,
          0.4284000f,
          0.5821714f,
          0.4362585f
        },
        shrink,
        1e-6f);

    float[] grow = new float[5 * 4];
    Images.resize(new float[] {0.40f, 0.90f, 0.20f, 0.50f, 0.26f, 0.01f}, 1, 2, 3, grow, 5, 4);
    assertArrayEquals(
        new float[] {
          0.4000000f, 0.7125000f, 0.6375000f, 0.2000000f, 0.4100000f, 0.6762500f, 0.5903750f,
          0.1810000f, 0.4500000f, 0.5312500f, 0.4018750f, 0.1050000f, 0.4900000f, 0.3862500f,
          0.2133750f, 0.0290000f, 0.5000000f, 0.3500000f, 0.1662500f, 0.0100000f
        },
        grow,
        1e-6f);
  }

  @Test
  void sameSizeIsTheIdentity() {
    float[] src = {0.1f, 0.7f, 0.3f, 0.9f, 0.5f, 0.2f};
    float[] out = new float[6];
    Images.resize(src, 2, 1, 3, out, 1, 3);
    assertArrayEquals(src, out);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"png", "gif", "bmp"})
  void losslessFormatsKeepSolidColoursExactly(String format) throws IOException {
    Path file = solid(dir.resolve("a." + format), format, 7, 5, 0x3366cc);

    float[] chw = Images.read(file, 4, 4);

    assertSolid(chw, 0x33 / 255f, 0x66 / 255f, 0xcc / 255f, 1e-6f);
  }

  @Test
  void encodedBytesDecodeAsTheirFileAndErrorsNameTheSource() throws IOException {
    Path file = rgba(dir.resolve("a.png"), 7, 5, 0x80_20_40_60);
    assertArrayEquals(
        Images.read(file, 4, 3), Images.read(Files.readAllBytes(file), Path.of("row 3"), 4, 3));
    DataFileException e =
        assertThrows(
            DataFileException.class,
            () ->
                Images.read(
                    "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    Path.of("row 3"),
                    4,
                    3));
    assertTrue(
        e.getMessage().contains("row 3") && e.getMessage().contains("the text \"hello\""),
        e.getMessage());
  }

  @Test
  void jpegIsCloseToItsColour() throws IOException {
    Path file = solid(dir.resolve("a.jpg"), "jpg", 16, 16, 0x3366cc);

    assertSolid(Images.read(file, 4, 4), 0x33 / 255f, 0x66 / 255f, 0xcc / 255f, 4 / 255f);
  }

  @Test
  void greyIsCopiedIntoAllChannelsAsStoredNotGammaConverted() throws IOException {
    // Java's linear grey colour space would turn 100 into 168 through getRGB.
    assertSolid(
        Images.read(grey(dir.resolve("g.png"), 5, 9, 100), 4, 4),
        100 / 255f,
        100 / 255f,
        100 / 255f,
        1e-6f);
    assertSolid(
        Images.read(grey16(dir.resolve("g16.png"), 3, 3, 32768), 4, 4),
        32768 / 65535f,
        32768 / 65535f,
        32768 / 65535f,
        1e-6f);
  }

  @Test
  void alphaIsDroppedKeepingTheStoredColour() throws IOException {
    assertSolid(
        Images.read(rgba(dir.resolve("a.png"), 3, 3, 0x400a141e), 4, 4),
        10 / 255f,
        20 / 255f,
        30 / 255f,
        1e-6f);
    assertSolid(
        Images.read(rgba(dir.resolve("clear.png"), 3, 3, 0x00ff8000), 4, 4),
        1f,
        128 / 255f,
        0f,
        1e-6f);
  }

  @Test
  void channelsFirst() throws IOException {
    Path file = solid(dir.resolve("a.png"), "png", 2, 3, 0xff0080);

    float[] chw = Images.read(file, 3, 2);

    assertEquals(3 * 3 * 2, chw.length);
    assertEquals(1f, chw[0]);
    assertEquals(0f, chw[6]);
    assertEquals(128 / 255f, chw[12], 1e-6f);
  }

  @Test
  void textFileSaysWhatItStartsWith() throws IOException {
    Path file = Files.writeString(dir.resolve("cat.jpg"), "<!DOCTYPE html><html>404 Not Found");

    assertError(
        file
            + ": not an image: no PNG, JPEG, GIF or BMP signature; the file starts with "
            + "the text \"<!DOCTYPE html><\": remove it from the folder",
        () -> Images.read(file, 4, 4));
  }

  @Test
  void binaryJunkIsShownInHex() throws IOException {
    Path file = Files.write(dir.resolve("x.png"), new byte[] {0, 1, 2, (byte) 0xff});

    assertError("starts with the bytes 00 01 02 ff", () -> Images.read(file, 4, 4));
  }

  @Test
  void emptyFile() throws IOException {
    Path file = Files.write(dir.resolve("x.png"), new byte[0]);

    assertError(
        file + ": empty file (0 bytes); expected a PNG, JPEG, GIF or BMP image",
        () -> Images.read(file, 4, 4));
  }

  @Test
  void truncatedPngNamesTheFileAndTheDecodersReason() throws IOException {
    Path file = truncate(solid(dir.resolve("a.png"), "png", 40, 30, 0x123456));

    DataFileException e =
        assertError(
            file
                + ": cannot decode this PNG image (Error reading PNG "
                + "image data: Unexpected end of ZLIB input stream); the file is truncated or damaged",
            () -> Images.read(file, 4, 4));
    assertEquals(file, e.file());
  }

  @Test
  void truncatedJpegIsAnErrorNotAGreyFill() throws IOException {
    Path file = Files.write(dir.resolve("a.jpg"), ImageFiles.noise("jpg", 200, 1));
    truncate(file);

    assertError(
        file + ": truncated JPEG image: the decoder reports", () -> Images.read(file, 4, 4));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gif", "bmp"})
  void truncatedGifAndBmp(String format) throws IOException {
    Path file = Files.write(dir.resolve("a." + format), ImageFiles.noise(format, 100, 2));
    truncate(file);

    assertError(
        file + ": cannot decode this " + format.toUpperCase() + " image (",
        () -> Images.read(file, 4, 4));
  }

  @Test
  void otherFormatsAskForConversion() throws IOException {
    Path file = solid(dir.resolve("a.tif"), "tiff", 4, 4, 0);

    assertError(
        file + ": a TIF image; expected a PNG, JPEG, GIF or BMP image: convert it",
        () -> Images.read(file, 4, 4));
  }

  @Test
  void missingFileAndBadSize() throws IOException {
    assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("nope.png"), 4, 4));
    Path file = solid(dir.resolve("a.png"), "png", 2, 2, 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Images.read(file, 0, 4));
    assertTrue(e.getMessage().contains("image size 0×4 (height×width); expected positive sizes"));
  }

  /** Every pixel of every channel is the given colour. */
  static void assertSolid(float[] chw, float r, float g, float b, float tolerance) {
    int n = chw.length / 3;
    float[] rgb = {r, g, b};
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < n; k++) {
        assertEquals(rgb[c], chw[c * n + k], tolerance, "channel " + c + ", pixel " + k);
      }
    }
  }

  /** Asserts a DataFileException whose message contains {@code expected}; returns it. */
  static DataFileException assertError(String expected, IdxTest.ThrowingRunnable code) {
    DataFileException e = assertThrows(DataFileException.class, code::run);
    assertTrue(
        e.getMessage().contains(expected),
        () ->
            "expected the message to contain\n  " + expected + "\nbut it was\n  " + e.getMessage());
    return e;
  }
}
