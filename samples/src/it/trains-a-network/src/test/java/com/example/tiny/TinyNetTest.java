package com.example.tiny;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.io.Npz;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.train.Evaluation;
import dev.netwright.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** TinyNetModel, generated at compile time, trains on synthetic bars, saves, resumes and exports. */
class TinyNetTest {
  @Test
  void lossFallsWhileTraining() {
    Dataset bars = bars(256, new Random(0));
    TinyNetModel net = new TinyNetModel(DataType.FLOAT, 0);
    try (BatchLoader all = new BatchLoader(bars, bars.size(), false, 0, DataType.FLOAT);
        BatchLoader batches = new BatchLoader(bars, 16, true, 0, DataType.FLOAT)) {
      double before = meanLoss(net, all);
      Trainer.builder().epochs(2).quiet(true).build()
          .fit(net, new Sgd(net.parameters(), 0.1, 0.9), batches);
      double after = meanLoss(net, all);
      double accuracy = Evaluation.of(net, all).accuracy();
      System.out.printf("TinyNet: loss %.4f -> %.4f, accuracy %.1f%%%n", before, after, 100 * accuracy);
      assertTrue(after < before / 2, "loss did not fall: " + before + " -> " + after);
      assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }
  }

  /** Save every epoch, resume in new objects, export for PyTorch: what the README shows. */
  @Test
  void savesResumesAndExports(@TempDir Path dir) throws IOException {
    Dataset bars = bars(128, new Random(1));
    TinyNetModel straight = new TinyNetModel(DataType.FLOAT, 3);
    try (BatchLoader batches = new BatchLoader(bars, 16, true, 3, DataType.FLOAT)) {
      Trainer.builder().epochs(2).quiet(true).build().fit(straight, new Sgd(straight.parameters(), 0.1, 0.9), batches);
    }
    TinyNetModel first = new TinyNetModel(DataType.FLOAT, 3);
    try (BatchLoader batches = new BatchLoader(bars, 16, true, 3, DataType.FLOAT)) {
      Trainer.builder().epochs(1).quiet(true).checkpoint(dir).build()
          .fit(first, new Sgd(first.parameters(), 0.1, 0.9), batches);
    }
    assertTrue(Files.exists(dir.resolve("last.ckpt")));
    TinyNetModel resumed = new TinyNetModel(DataType.FLOAT, 99);
    try (BatchLoader batches = new BatchLoader(bars, 16, true, 3, DataType.FLOAT)) {
      Trainer.builder().epochs(2).quiet(true).resumeFrom(dir.resolve("last.ckpt")).build()
          .fit(resumed, new Sgd(resumed.parameters(), 0.1, 0.9), batches);
    }
    assertArrayEquals(straight.parameters().values().toFloatVector(), resumed.parameters().values().toFloatVector(),
        1e-5f, "resumed training ends where uninterrupted training does");
    Path npz = dir.resolve("tiny.npz");
    Npz.export(npz, resumed);
    TinyNetModel imported = new TinyNetModel(DataType.FLOAT, 7);
    Npz.importInto(npz, imported);
    assertArrayEquals(resumed.parameters().values().toFloatVector(), imported.parameters().values().toFloatVector());
  }

  private static double meanLoss(TinyNetModel net, BatchLoader all) {
    net.setTraining(false);
    all.reset();
    var batch = all.next();
    net.forward(batch.features());
    return net.loss(batch.labels());
  }

  /** Noisy 8x8 images of one bright bar: horizontal (class 0) or vertical (class 1). */
  static Dataset bars(int count, Random random) {
    float[] pixels = new float[count * 64];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      int at = random.nextInt(8);
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean bar = labels[i] == 0 ? y == at : x == at;
          pixels[i * 64 + y * 8 + x] = (bar ? 1f : 0f) + 0.2f * (float) random.nextGaussian();
        }
      }
    }
    return Dataset.of(1, 8, 8, 2, pixels, labels);
  }
}
