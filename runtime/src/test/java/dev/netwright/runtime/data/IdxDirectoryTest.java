package dev.netwright.runtime.data;

import static dev.netwright.runtime.data.IdxFiles.images;
import static dev.netwright.runtime.data.IdxFiles.labels;
import static dev.netwright.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDirectoryTest {
  @TempDir Path dir;

  @Test
  void findsGzippedAndPlainFilesInBothSpellings() throws IOException {
    write(dir, "train-images-idx3-ubyte", images(3, 4, 4), true);
    write(dir, "train-labels-idx1-ubyte", labels(0, 1, 2), false);
    write(dir, "t10k-images.idx3-ubyte", images(2, 4, 4), false);
    write(dir, "t10k-labels.idx1-ubyte", labels(9, 8), true);

    Dataset train = IdxDirectory.train(dir, Normalization.MNIST);
    Dataset test = IdxDirectory.test(dir, Normalization.MNIST);

    assertEquals(3, train.size());
    assertEquals(2, test.size());
    assertEquals(10, test.classes());
    assertEquals(8, test.label(1));
  }

  @Test
  void missingDirectorySaysHowToGetTheData() {
    Path missing = dir.resolve("fashion-mnist");

    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class, () -> IdxDirectory.train(missing, Normalization.MNIST));

    assertTrue(e.getMessage().startsWith(missing + ": no such directory"), e.getMessage());
    assertTrue(
        e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("MNIST works the same way"), e.getMessage());
  }

  @Test
  void missingFileNamesItWhereItLookedAndHowToGetIt() throws IOException {
    write(dir, "t10k-images-idx3-ubyte", images(2, 4, 4), true);
    write(dir, "README", new byte[0]);

    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> IdxDirectory.test(dir, Normalization.MNIST));

    assertTrue(
        e.getMessage()
            .contains(
                "missing: no t10k-labels-idx1-ubyte[.gz] (nor "
                    + "t10k-labels.idx1-ubyte[.gz]) in "
                    + dir
                    + ", which holds README, "
                    + "t10k-images-idx3-ubyte.gz;"),
        e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }
}
