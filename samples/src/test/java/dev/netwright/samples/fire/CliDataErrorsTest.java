package dev.netwright.samples.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken data files reach the user of {@code train --data DIR} and {@code dense --images DIR} as
 * exit status 1 and one line on stderr naming the file and what is wrong with it, never a stack
 * trace. The readers' own tests (runtime's data package) cover every message; these check the way
 * out through the command line.
 */
class CliDataErrorsTest {
  private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";

  @TempDir Path dir;

  @Test
  void goodFilesTrain() throws IOException {
    idxDirectory(20, 28, 20);
    Run r = train();
    assertEquals(0, r.status, r.toString());
    assertTrue(r.out.contains("SimpleNet: test accuracy "), r.toString());
  }

  @Test
  void emptyImageFile() throws IOException {
    idxDirectory(20, 28, 20);
    Files.write(dir.resolve(TRAIN_IMAGES), new byte[0]);
    assertRefused(dir.resolve(TRAIN_IMAGES) + ": empty file (0 bytes); expected an IDX image file");
  }

  @Test
  void truncatedImageFile() throws IOException {
    idxDirectory(20, 28, 20);
    byte[] whole = Files.readAllBytes(dir.resolve(TRAIN_IMAGES));
    Files.write(dir.resolve(TRAIN_IMAGES), java.util.Arrays.copyOf(whole, 16 + 3 * 784 + 100));
    assertRefused(
        dir.resolve(TRAIN_IMAGES)
            + ": truncated: the header promises 20 images of 28×28 (15,680 bytes of"
            + " pixels) but the file ends after 3 of them");
  }

  @Test
  void labelsWhereTheImagesShouldBe() throws IOException {
    idxDirectory(20, 28, 20);
    Files.copy(
        dir.resolve(TRAIN_LABELS),
        dir.resolve(TRAIN_IMAGES),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertRefused(
        dir.resolve(TRAIN_IMAGES)
            + ": wrong magic number 0x00000801, expected 0x00000803 (an IDX image"
            + " file); is this a label file?");
  }

  @Test
  void aPngWhereTheImagesShouldBe() throws IOException {
    idxDirectory(20, 28, 20);
    ImageIO.write(
        new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY),
        "png",
        dir.resolve(TRAIN_IMAGES).toFile());
    assertRefused(
        dir.resolve(TRAIN_IMAGES)
            + ": wrong magic number 0x89504E47, expected 0x00000803 (an IDX image"
            + " file); this is not an IDX file (IDX files start with two zero bytes)");
  }

  @Test
  void moreImagesThanLabels() throws IOException {
    idxDirectory(20, 28, 19);
    assertRefused(
        dir.resolve(TRAIN_IMAGES)
            + " holds 20 images but "
            + dir.resolve(TRAIN_LABELS)
            + " holds 19 labels; expected one label per image");
  }

  @Test
  void aLabelOutOfRange() throws IOException {
    idxDirectory(20, 28, 20);
    byte[] labels = Files.readAllBytes(dir.resolve(TRAIN_LABELS));
    labels[8 + 4] = 10;
    Files.write(dir.resolve(TRAIN_LABELS), labels);
    assertRefused(
        dir.resolve(TRAIN_LABELS)
            + ": label 10 at index 4 is outside [0, 10); expected class indices 0 to 9");
  }

  @Test
  void aMissingTestFile() throws IOException {
    idxDirectory(20, 28, 20);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    assertRefused(
        "missing: no t10k-labels-idx1-ubyte[.gz] (nor t10k-labels.idx1-ubyte[.gz]) in " + dir);
  }

  @Test
  void imagesOfAnotherSize() throws IOException {
    idxDirectory(20, 32, 20);
    assertRefused(
        "SimpleNet takes [1, 28, 28] images (channels, height, width) but "
            + dir
            + " holds [1, 32, 32]"
            + " images: pick a network for this data");
  }

  @Test
  void aFileForTheDirectory() throws IOException {
    idxDirectory(20, 28, 20);
    Path file = dir.resolve(TRAIN_IMAGES);
    Run r = Run.of("train", "--data", file.toString(), "--quiet");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.startsWith(
            "error: "
                + file
                + ": is a file, not a directory; expected the directory holding the"
                + " IDX files"),
        r.toString());
  }

  /** A text file among the images of {@code dense --images}. */
  @Test
  void aNonImageInAnImageFolder() throws IOException {
    for (String c : new String[] {"cat", "dog"}) {
      Files.createDirectories(dir.resolve(c));
      for (int i = 0; i < 3; i++) {
        ImageIO.write(
            new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB),
            "png",
            dir.resolve(c + "/" + i + ".png").toFile());
      }
    }
    Path notes = Files.writeString(dir.resolve("cat/notes.txt"), "a cat, probably");
    Run r = Run.of("dense", "--images", dir.toString(), "--positive", "cat", "--iterations", "1");
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.startsWith(
            "error: "
                + notes
                + ": not an image: no PNG, JPEG, GIF or BMP signature; the file"
                + " starts with the text \"a cat, probably\": remove it from the folder"),
        r.toString());
    assertFalse(r.err.contains("\tat "), r.toString());
  }

  private Run train() {
    return Run.of(
        "train", "--data", dir.toString(), "--epochs", "1", "--batch-size", "10", "--quiet");
  }

  private void assertRefused(String expected) {
    Run r = train();
    assertEquals(1, r.status, r.toString());
    assertTrue(
        r.err.startsWith("error: ") && r.err.contains(expected),
        "expected stderr to hold \"" + expected + "\"\n" + r);
    assertEquals(1, r.err.strip().lines().count(), "one line, no stack trace:\n" + r);
  }

  /**
   * The four IDX files: {@code images} training images of size x size, {@code labels} labels, 10
   * test ones.
   */
  private void idxDirectory(int images, int size, int labels) throws IOException {
    Files.write(dir.resolve(TRAIN_IMAGES), images(images, size));
    Files.write(dir.resolve(TRAIN_LABELS), labels(labels));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(10, size));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(10));
  }

  private static byte[] images(int count, int size) {
    ByteBuffer b =
        ByteBuffer.allocate(16 + count * size * size)
            .putInt(0x803)
            .putInt(count)
            .putInt(size)
            .putInt(size);
    for (int i = 0; b.hasRemaining(); i++) {
      b.put((byte) (i * 31 % 251));
    }
    return b.array();
  }

  private static byte[] labels(int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  /** One in-process run of {@code Main.run(out, err, args)} (package-private, hence reflection). */
  private record Run(int status, String out, String err) {
    static Run of(String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try {
        Method run =
            Class.forName("dev.netwright.samples.Main")
                .getDeclaredMethod("run", PrintStream.class, PrintStream.class, String[].class);
        run.setAccessible(true);
        int status =
            (int)
                run.invoke(
                    null,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    args);
        return new Run(
            status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public String toString() {
      return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
