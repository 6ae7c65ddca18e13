package dev.netwright.runtime.data;

/**
 * The contents of an IDX image file: {@code count} images of {@code rows × cols} unsigned bytes.
 */
public final class IdxImages {
  private final int count;
  private final int rows;
  private final int cols;
  private final byte[] bytes;

  IdxImages(int count, int rows, int cols, byte[] bytes) {
    this.count = count;
    this.rows = rows;
    this.cols = cols;
    this.bytes = bytes;
  }

  /** Number of images. */
  public int count() {
    return count;
  }

  /** Height of every image in pixels. */
  public int rows() {
    return rows;
  }

  /** Width of every image in pixels. */
  public int cols() {
    return cols;
  }

  /** The value, 0 to 255, of pixel ({@code row}, {@code col}) of image {@code image}. */
  public int pixel(int image, int row, int col) {
    return bytes[(image * rows + row) * cols + col] & 0xff;
  }

  /**
   * The raw pixels, image after image, row-major, as signed bytes; shared, not copied: do not
   * modify.
   */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "IdxImages[" + count + " images of " + rows + "×" + cols + "]";
  }
}
