package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.IdxFiles.images;
import static dev.netwright.runtime.data.IdxFiles.labels;
import static dev.netwright.runtime.data.IdxFiles.write;
import static dev.netwright.runtime.data.IdxTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  @Test
  void loadsShapeLabelsAndNormalisedPixels() throws IOException {
    byte[] pixels = {0, (byte) 255, (byte) 128, 64, 1, 2, 3, 4};
    Path images = write(dir, "img", images(Idx.IMAGES_MAGIC, 2, 2, 2, pixels), true);
    Path labels = write(dir, "lbl", labels(2, 0), false);

    Dataset data = Dataset.idx(images, labels, 3, Normalization.MNIST);

    assertEquals(2, data.size());
    assertEquals(1, data.channels());
    assertEquals(2, data.height());
    assertEquals(2, data.width());
    assertEquals(3, data.classes());
    assertEquals(2, data.label(0));
    assertEquals(0, data.label(1));
    assertEquals((0f - 0.1307f) / 0.3081f, data.pixel(0, 0, 0, 0));
    assertEquals((1f - 0.1307f) / 0.3081f, data.pixel(0, 0, 0, 1));
    assertEquals((128 / 255f - 0.1307f) / 0.3081f, data.pixel(0, 0, 1, 0), "bytes are unsigned");
    assertEquals((4 / 255f - 0.1307f) / 0.3081f, data.pixel(1, 0, 1, 1));
    assertArrayEquals(new int[] {1, 0, 1}, data.classCounts());
  }

  @Test
  void noNormalisationScalesToUnitInterval() throws IOException {
    byte[] pixels = {0, (byte) 255, (byte) 51, 102};
    Path images = write(dir, "img", images(Idx.IMAGES_MAGIC, 1, 2, 2, pixels));
    Path labels = write(dir, "lbl", labels(0));

    Dataset data = Dataset.idx(images, labels, 10, Normalization.NONE);

    float[] image = new float[4];
    data.copyImage(0, image, 0);
    assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, image);
  }

  @Test
  void countMismatchNamesBothFilesAndCounts() throws IOException {
    Path images = write(dir, "train-images-idx3-ubyte", images(3, 2, 2));
    Path labels = write(dir, "t10k-labels-idx1-ubyte", labels(1, 2));

    assertMessage(
        images
            + " holds 3 images but "
            + labels
            + " holds 2 labels; expected one label "
            + "per image",
        () -> Dataset.idx(images, labels, 10, Normalization.NONE));
  }

  @Test
  void labelOutOfRangeNamesIndexAndValue() throws IOException {
    Path images = write(dir, "img", images(4, 2, 2));
    Path labels = write(dir, "lbl", labels(1, 9, 10, 2));

    assertMessage(
        labels + ": label 10 at index 2 is outside [0, 10); expected class indices 0 to 9",
        () -> Dataset.idx(images, labels, 10, Normalization.NONE));
  }

  @Test
  void ofChecksItsArguments() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dataset.of(1, 2, 2, 10, new float[7], new int[2]));
    assertTrue(
        e.getMessage().contains("2 labels of 1×2×2 images need 8 pixels, but pixels holds 7"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dataset.of(1, 1, 1, 3, new float[2], new int[] {0, -1}));
    assertTrue(e.getMessage().contains("label -1 at index 1 is outside [0, 3)"), e.getMessage());
  }

  @Test
  void normalizationRejectsNonPositiveStd() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Normalization(0.5f, 0f));
    assertTrue(e.getMessage().contains("expected a finite mean and a finite, positive std"));
  }
}
