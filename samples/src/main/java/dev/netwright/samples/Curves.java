package dev.netwright.samples;

import dev.netwright.runtime.train.EpochResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Learning curves as CSV, one row per epoch, written as each epoch ends so a long run can be
 * plotted while it goes on. Plain numbers under a header, accuracies as fractions in [0, 1], an
 * empty test accuracy when there is no test set: pandas' {@code read_csv}, gnuplot and any
 * spreadsheet plot it as it is.
 */
final class Curves implements AutoCloseable {
  static final String HEADER = "epoch,loss,train_accuracy,test_accuracy,images_per_second";

  private final Path file;
  private final BufferedWriter writer;

  private Curves(Path file, BufferedWriter writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Starts {@code file} afresh with the header. */
  static Curves create(Path file) throws IOException {
    return open(file, false);
  }

  /**
   * Adds to {@code file} when {@code append} and it already has rows (a resumed run continues its
   * curves), else starts it afresh with the header.
   */
  static Curves open(Path file, boolean append) throws IOException {
    boolean continuing = append && Files.isRegularFile(file) && Files.size(file) > 0;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    BufferedWriter writer =
        continuing
            ? Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
            : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    Curves curves = new Curves(file, writer);
    if (!continuing) {
      curves.line(HEADER);
    }
    return curves;
  }

  /** Writes the row of one epoch and flushes it. */
  void add(EpochResult r) {
    String test =
        r.testAccuracy().isPresent()
            ? String.format(Locale.ROOT, "%.4f", r.testAccuracy().getAsDouble())
            : "";
    line(
        String.format(
            Locale.ROOT,
            "%d,%.6f,%.4f,%s,%.1f",
            r.epoch(),
            r.loss(),
            r.trainAccuracy(),
            test,
            r.imagesPerSecond()));
  }

  private void line(String text) {
    try {
      writer.write(text);
      writer.write('\n');
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the learning curves to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
