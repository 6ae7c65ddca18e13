package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.ImageFiles.grey;
import static dev.netwright.runtime.data.ImageFiles.rgba;
import static dev.netwright.runtime.data.ImageFiles.solid;
import static dev.netwright.runtime.data.ImageFiles.truncate;
import static dev.netwright.runtime.data.ImagesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.ImageFolder.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path root;

  /** bird: 2, cat: 4, dog: 4 images of known colours, sizes and kinds, plus files to ignore. */
  private void threeClasses() throws IOException {
    solid(root.resolve("bird/red.png"), "png", 10, 7, 0xff0000);
    solid(root.resolve("bird/azure.jpg"), "jpg", 16, 16, 0x0080ff);
    grey(root.resolve("cat/grey.png"), 5, 9, 100);
    rgba(root.resolve("cat/rgba.png"), 3, 3, 0x400a141e);
    solid(root.resolve("cat/green.gif"), "gif", 6, 6, 0x00ff00);
    solid(root.resolve("cat/white.bmp"), "bmp", 4, 4, 0xffffff);
    solid(root.resolve("dog/black.png"), "png", 1, 1, 0x000000);
    solid(root.resolve("dog/yellow.png"), "png", 20, 3, 0xffff00);
    solid(root.resolve("dog/nested/magenta.png"), "png", 8, 8, 0xff00ff);
    solid(root.resolve("dog/navy.jpg"), "jpg", 24, 16, 0x000080);
    Files.writeString(root.resolve("README.txt"), "files in the root are not images of a class");
    Files.writeString(root.resolve("bird/.DS_Store"), "hidden files are ignored");
    solid(root.resolve(".ipynb_checkpoints/x.png"), "png", 2, 2, 0); // hidden folder: no class
  }

  @Test
  void loadsClassesInNameOrderAsRgbInTheUnitInterval() throws IOException {
    threeClasses();

    Split split = ImageFolder.load(root, 4, 4, 0.5, 1);

    assertEquals(List.of("bird", "cat", "dog"), split.classes());
    assertEquals(List.of(), split.skipped());
    for (Dataset d : List.of(split.train(), split.test())) {
      assertEquals(3, d.channels());
      assertEquals(4, d.height());
      assertEquals(4, d.width());
      assertEquals(3, d.classes());
      assertArrayEquals(new int[] {1, 2, 2}, d.classCounts());
    }
    List<String> expected =
        List.of(
            "0 255 0 0",
            "0 0 128 255",
            "1 100 100 100",
            "1 10 20 30",
            "1 0 255 0",
            "1 255 255 255",
            "2 0 0 0",
            "2 255 255 0",
            "2 255 0 255",
            "2 0 0 128");
    Set<String> jpegs = Set.of("0 0 128 255", "2 0 0 128");
    List<String> loaded = new ArrayList<>();
    for (Dataset d : List.of(split.train(), split.test())) {
      for (int i = 0; i < d.size(); i++) {
        String exact = match(d, i, expected, 1e-6f); // c / 255f: solid colours survive resizing
        String close = match(d, i, jpegs, 4 / 255f); // JPEG is lossy
        assertTrue(exact != null || close != null, colour(d, i));
        assertUniform(d, i, exact != null ? 1e-6f : 4 / 255f);
        loaded.add(exact != null ? exact : close);
      }
    }
    assertEquals(Set.copyOf(expected), Set.copyOf(loaded));
    assertEquals(expected.size(), loaded.size());
  }

  @Test
  void splitIsStratifiedAndDependsOnlyOnTheSeed() throws IOException {
    for (int i = 0; i < 9; i++) {
      grey(root.resolve("cat/" + i + ".png"), 2, 2, 10 + i);
    }
    for (int i = 0; i < 3; i++) {
      grey(root.resolve("dog/" + i + ".png"), 2, 2, 100 + i);
    }

    Split a = ImageFolder.load(root, 2, 2, 1.0 / 3, 7);
    Split b = ImageFolder.load(root, 2, 2, 1.0 / 3, 7);
    Split c = ImageFolder.load(root, 2, 2, 1.0 / 3, 8);

    assertArrayEquals(new int[] {6, 2}, a.train().classCounts());
    assertArrayEquals(new int[] {3, 1}, a.test().classCounts());
    assertEquals(colours(a.train()), colours(b.train()));
    assertEquals(colours(a.test()), colours(b.test()));
    assertNotEquals(colours(a.test()), colours(c.test()));
    Set<String> all = new HashSet<>(colours(a.train()));
    all.addAll(colours(a.test()));
    assertEquals(12, all.size(), "train and test are disjoint and hold every image");
  }

  @Test
  void unreadableFilesFailNamingTheFile() throws IOException {
    threeClasses();
    Path text = Files.writeString(root.resolve("cat/notes.txt"), "a cat, probably");

    assertError(
        text
            + ": not an image: no PNG, JPEG, GIF or BMP signature; the file starts with "
            + "the text \"a cat, probably\": remove it from the folder; or load with skipUnreadable = "
            + "true to skip unreadable files",
        () -> ImageFolder.load(root, 4, 4, 0.5, 1));

    Files.delete(text);
    Path cut = truncate(root.resolve("dog/yellow.png"));
    DataFileException e =
        assertError(
            cut + ": cannot decode this PNG image", () -> ImageFolder.load(root, 4, 4, 0.5, 1));
    assertEquals(cut, e.file());
  }

  @Test
  void skipUnreadableSkipsAndListsThem() throws IOException {
    threeClasses();
    Path text = Files.writeString(root.resolve("cat/notes.txt"), "a cat, probably");
    Path empty = Files.write(root.resolve("dog/empty.jpg"), new byte[0]);
    Path cut = truncate(solid(root.resolve("dog/extra.png"), "png", 40, 30, 0x123456));

    Split split = ImageFolder.load(root, 4, 4, 0.5, 1, true);

    assertEquals(List.of(text, empty, cut), split.skipped(), "in path order");
    assertEquals(10, split.train().size() + split.test().size());
  }

  @Test
  void classWhoseFilesAreAllUnreadableIsAnError() throws IOException {
    threeClasses();
    Path fish = Files.createDirectory(root.resolve("fish"));
    Files.writeString(fish.resolve("fish.txt"), "blub");

    DataFileException e =
        assertError(
            fish
                + ": class folder 'fish' holds no readable image: all "
                + "its files were skipped as unreadable",
            () -> ImageFolder.load(root, 4, 4, 0.5, 1, true));
    assertEquals(fish, e.file());
  }

  @Test
  void emptyClassFolder() throws IOException {
    threeClasses();
    Path fish = Files.createDirectory(root.resolve("fish"));
    Files.writeString(fish.resolve(".hidden"), "not an image of a fish");

    DataFileException e =
        assertError(
            fish
                + ": class folder 'fish' holds no files; expected its "
                + "images (PNG, JPEG, GIF or BMP): add some, or remove the folder",
            () -> ImageFolder.load(root, 4, 4, 0.5, 1));
    assertEquals(fish, e.file());
  }

  @Test
  void fewerThanTwoClasses() throws IOException {
    grey(root.resolve("cat/a.png"), 2, 2, 1);
    grey(root.resolve("b.png"), 2, 2, 1);

    assertError(
        root
            + ": holds 1 class folder ('cat') and 1 other file; expected at least 2 "
            + "classes, one sub-folder of images per class",
        () -> ImageFolder.load(root, 4, 4, 0.5, 1));

    Files.delete(root.resolve("b.png"));
    Files.move(root.resolve("cat/a.png"), root.resolve("a.png"));
    Files.delete(root.resolve("cat"));
    assertError(
        root + ": holds 0 class folders and 1 other file",
        () -> ImageFolder.load(root, 4, 4, 0.5, 1));
  }

  @Test
  void splitsThatWouldLeaveASideWithoutAClass() throws IOException {
    for (int i = 0; i < 3; i++) {
      grey(root.resolve("cat/" + i + ".png"), 2, 2, i);
      grey(root.resolve("dog/" + i + ".png"), 2, 2, i);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 2, 2, 0.1, 1));
    assertTrue(
        e.getMessage()
            .startsWith(
                "testFraction = 0.1 leaves the test set without class "
                    + "'cat': its folder "
                    + root.resolve("cat")
                    + " holds 3 images and 0.1 × 3 rounds to 0; "
                    + "with 3 images in the smallest class use a testFraction in [0.17, 0.83), or add images"),
        e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 2, 2, 0.9, 1));
    assertTrue(
        e.getMessage().contains("leaves the training set without class 'cat'"), e.getMessage());

    Files.delete(root.resolve("dog/1.png"));
    Files.delete(root.resolve("dog/2.png"));
    assertError(
        root.resolve("dog")
            + ": class folder 'dog' holds only 1 readable image; a "
            + "train/test split needs at least 2 per class",
        () -> ImageFolder.load(root, 2, 2, 0.5, 1));
  }

  @Test
  void argumentsAndRoot() throws IOException {
    for (double bad : new double[] {0, 1, -0.2, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 4, 4, bad, 1));
      assertTrue(e.getMessage().contains("expected a fraction strictly between 0 and 1"));
    }
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 4, -1, 0.5, 1));

    NoSuchFileException missing =
        assertThrows(
            NoSuchFileException.class, () -> ImageFolder.load(root.resolve("cats"), 4, 4, 0.5, 1));
    assertTrue(
        missing
            .getMessage()
            .contains(
                "no such folder; expected a folder with one " + "sub-folder of images per class"),
        missing.getMessage());

    Path file = grey(root.resolve("a.png"), 2, 2, 0);
    assertError(file + ": is a file, not a folder", () -> ImageFolder.load(file, 4, 4, 0.5, 1));
  }

  @Test
  void oneVersusRestIsBalancedAndSeeded() {
    Dataset data = numbered(3, 5, 4); // bird 0-2, cat 3-7, dog 8-11

    Dataset cats = ImageFolder.oneVersusRest(data, 1, 3);

    assertEquals(2, cats.classes());
    assertArrayEquals(new int[] {5, 5}, cats.classCounts());
    Set<Integer> sources = new HashSet<>();
    for (int i = 0; i < cats.size(); i++) {
      int source = (int) cats.pixel(i, 0, 0, 0);
      assertTrue(sources.add(source), "no example twice");
      assertEquals(cats.label(i) == 1, data.label(source) == 1, "label 1 exactly for cats");
    }
    assertEquals(sources(cats), sources(ImageFolder.oneVersusRest(data, 1, 3)));
    assertNotEquals(sources(cats), sources(ImageFolder.oneVersusRest(data, 1, 4)));
  }

  @Test
  void oneVersusRestOfAMajorityClassSamplesItDown() {
    Dataset majority = ImageFolder.oneVersusRest(numbered(2, 5), 1, 1);

    assertArrayEquals(new int[] {2, 2}, majority.classCounts());
  }

  @Test
  void oneVersusRestChecksTheClass() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ImageFolder.oneVersusRest(numbered(2, 2), 2, 1));
    assertTrue(e.getMessage().contains("positiveClass = 2 is outside [0, 2)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageFolder.oneVersusRest(numbered(2, 0, 3), 1, 1));
    assertTrue(
        e.getMessage().contains("holds 0 examples of class 1 and 5 of the others"), e.getMessage());
  }

  /** 1×1×1 images numbered in order, counts[c] of class c; pixel = index, to trace examples. */
  private static Dataset numbered(int... counts) {
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      for (int k = 0; k < counts[c]; k++) {
        labels.add(c);
      }
    }
    float[] pixels = new float[labels.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = i;
    }
    return Dataset.of(
        1, 1, 1, counts.length, pixels, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static List<Integer> sources(Dataset d) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      out.add((int) d.pixel(i, 0, 0, 0));
    }
    return out;
  }

  /** "label r g b" of image i's top-left pixel, in 0..255. */
  private static String colour(Dataset d, int i) {
    return d.label(i)
        + " "
        + Math.round(d.pixel(i, 0, 0, 0) * 255)
        + " "
        + Math.round(d.pixel(i, 1, 0, 0) * 255)
        + " "
        + Math.round(d.pixel(i, 2, 0, 0) * 255);
  }

  private static List<String> colours(Dataset d) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      out.add(colour(d, i));
    }
    return out;
  }

  /** The "label r g b" among {@code expected} that image i shows within tolerance, or null. */
  private static String match(Dataset d, int i, Set<String> expected, float tolerance) {
    return match(d, i, List.copyOf(expected), tolerance);
  }

  private static String match(Dataset d, int i, List<String> expected, float tolerance) {
    for (String e : expected) {
      String[] f = e.split(" ");
      boolean close = Integer.parseInt(f[0]) == d.label(i);
      for (int c = 0; c < 3; c++) {
        close &= Math.abs(Integer.parseInt(f[c + 1]) / 255f - d.pixel(i, c, 0, 0)) <= tolerance;
      }
      if (close) {
        return e;
      }
    }
    return null;
  }

  /** Every pixel equals the top-left one in each channel, exactly for lossless formats. */
  private static void assertUniform(Dataset d, int i, float tolerance) {
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(d.pixel(i, c, 0, 0), d.pixel(i, c, y, x), tolerance, colour(d, i));
        }
      }
    }
  }
}
