package dev.netwright.runtime.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for tests: exact bytes, so tests can also break them on purpose. */
final class IdxFiles {
  private IdxFiles() {}

  /** An IDX image file: magic, count, rows, cols (big-endian), then the pixels as given. */
  static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length)
        .putInt(magic)
        .putInt(count)
        .putInt(rows)
        .putInt(cols)
        .put(pixels)
        .array();
  }

  /** A well-formed image file whose pixel k of image i is (i * 31 + k * 7) mod 256. */
  static byte[] images(int count, int rows, int cols) {
    byte[] pixels = new byte[count * rows * cols];
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < rows * cols; k++) {
        pixels[i * rows * cols + k] = (byte) (i * 31 + k * 7);
      }
    }
    return images(Idx.IMAGES_MAGIC, count, rows, cols, pixels);
  }

  /** An IDX label file: magic, count, then one byte per label. */
  static byte[] labelsWithHeader(int magic, int count, int... labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(count);
    for (int label : labels) {
      b.put((byte) label);
    }
    return b.array();
  }

  /** A well-formed label file. */
  static byte[] labels(int... labels) {
    return labelsWithHeader(Idx.LABELS_MAGIC, labels.length, labels);
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  /** Writes the content gzipped (name + ".gz") or plain. */
  static Path write(Path dir, String name, byte[] content, boolean gzip) throws IOException {
    return gzip ? write(dir, name + ".gz", gzip(content)) : write(dir, name, content);
  }

  static byte[] prefix(byte[] content, int length) {
    byte[] cut = new byte[length];
    System.arraycopy(content, 0, cut, 0, length);
    return cut;
  }
}
