package dev.netwright.runtime.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.io.Checkpoint;
import dev.netwright.runtime.io.TrainingState;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Trainer;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code checkpoint(dir)} takes a directory and {@code resumeFrom(file)} a file: resuming from the
 * directory says which file was meant, instead of "Is a directory".
 */
class CheckpointDirectoryTest {
  @TempDir Path dir;

  @Test
  void loadingADirectoryPointsToTheCheckpointInIt() throws Exception {
    Model net = ConcurrentCheckpointTest.network(1);
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Checkpoint.load(dir, net, null));
    assertEquals(
        dir + ": is a directory, not a checkpoint; Trainer saves <directory>/last.ckpt",
        e.getMessage());

    Checkpoint.save(dir.resolve(Trainer.LAST_CHECKPOINT), net, null, new TrainingState(1, 0, 0));
    Sgd sgd = new Sgd(net.parameters(), 0.1, 0);
    Dataset data = Dataset.of(1, 16, 16, 2, new float[4 * 256], new int[] {0, 1, 0, 1});
    try (BatchLoader batches = new BatchLoader(data, 2, true, 0, DataType.FLOAT)) {
      UncheckedIOException u =
          assertThrows(
              UncheckedIOException.class,
              () -> Trainer.builder().quiet(true).resumeFrom(dir).build().fit(net, sgd, batches));
      assertEquals(
          "cannot resume: "
              + dir
              + ": is a directory, not a checkpoint; load "
              + dir.resolve(Trainer.LAST_CHECKPOINT)
              + ", the checkpoint Trainer saves in it",
          u.getMessage());
    }
    assertEquals(0, sgd.steps(), "nothing trained");
    assertEquals(1, Checkpoint.load(dir.resolve(Trainer.LAST_CHECKPOINT), net, null).epoch());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }
}
