package dev.netwright.runtime.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one image file as RGB values in [0, 1], resized, channels first ([3, height, width]).
 *
 * <p>Decoding is ImageIO's, limited to PNG, JPEG, GIF (the first frame) and BMP. Greyscale is
 * copied into all three channels as stored, not through Java's linear grey colour space, which
 * would brighten mid-greys (100 would become 168). Alpha is dropped and the stored colour kept, as
 * PIL's {@code convert("RGB")} does. A JPEG the decoder reports as cut short is an error: ImageIO
 * would otherwise fill the missing part with grey and say nothing.
 *
 * <p>Resizing is bilinear as in PIL's {@code Image.resize(size, BILINEAR)}: a triangle filter over
 * pixel centres whose support widens by the shrink factor, so shrinking averages every source pixel
 * rather than sampling four (no aliasing), and enlarging is plain bilinear interpolation (PyTorch's
 * {@code align_corners=False}). It runs on floats after scaling to [0, 1], so unlike PIL nothing is
 * rounded to bytes between the horizontal and vertical passes. Java2D is not used.
 */
public final class Images {
  /** The formats read, as ImageIO names them; a file is recognised by its content, not its name. */
  public static final List<String> FORMATS = List.of("png", "jpeg", "gif", "bmp");

  private static final Logger LOG = LoggerFactory.getLogger(Images.class);
  private static final String EXPECTED = "expected a PNG, JPEG, GIF or BMP image";

  private Images() {}

  /**
   * Reads {@code file} as [3, height, width] RGB floats in [0, 1], c-order.
   *
   * @throws DataFileException if the file is empty, not one of the {@link #FORMATS} or cannot be
   *     decoded (truncated or damaged); the message names the file
   */
  public static float[] read(Path file, int height, int width) throws IOException {
    checkSize(height, width);
    if (Files.size(file) == 0) {
      throw empty(file);
    }
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return resized(decode(file, in, () -> head(file)), height, width);
    }
  }

  /**
   * Decodes the encoded image {@code bytes} (e.g. a row of Spark's {@code binaryFile} source) as
   * {@link #read(Path, int, int)} reads a file; {@code source} names it in errors.
   *
   * @throws DataFileException as {@link #read(Path, int, int)}, naming {@code source}
   */
  public static float[] read(byte[] bytes, Path source, int height, int width) throws IOException {
    checkSize(height, width);
    if (bytes.length == 0) {
      throw empty(source);
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      return resized(
          decode(source, in, () -> Arrays.copyOf(bytes, Math.min(16, bytes.length))),
          height,
          width);
    }
  }

  private static void checkSize(int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image size "
              + height
              + "×"
              + width
              + " (height×width); expected positive sizes, e.g. 128×128");
    }
  }

  private static DataFileException empty(Path file) {
    return new DataFileException(
        file, "empty file (0 bytes); " + EXPECTED + ": the download or " + "copy probably failed");
  }

  private static float[] resized(BufferedImage image, int height, int width) {
    float[] chw = new float[3 * height * width];
    resize(rgb(image), 3, image.getHeight(), image.getWidth(), chw, height, width);
    return chw;
  }

  /** The first bytes of what is being decoded, for an error message. */
  private interface Head {
    byte[] read() throws IOException;
  }

  private static BufferedImage decode(Path file, ImageInputStream in, Head head)
      throws IOException {
    ImageReader reader = reader(file, in, head);
    String format = reader.getFormatName().toUpperCase(Locale.ROOT);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    BufferedImage image;
    try {
      reader.setInput(in, true, true);
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      // Damaged files make some decoders throw unchecked exceptions; all mean the same here.
      throw new DataFileException(
          file,
          "cannot decode this "
              + format
              + " image ("
              + describe(e)
              + "); the file is truncated or damaged: replace it (copy or download it again)",
          e);
    } finally {
      reader.dispose();
    }
    for (String warning : warnings) {
      String w = warning.toLowerCase(Locale.ROOT);
      if (w.contains("truncated") || w.contains("premature end")) {
        throw new DataFileException(
            file,
            "truncated "
                + format
                + " image: the decoder reports \""
                + warning
                + "\"; replace the file (copy or download it again)");
      }
    }
    if (!warnings.isEmpty()) {
      LOG.warn("{}: decoded with warnings: {}", file, String.join("; ", warnings));
    }
    return image;
  }

  private static String describe(Throwable e) {
    String what = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    Throwable cause = e.getCause();
    return cause == null || cause == e ? what : what + ": " + describe(cause);
  }

  /** The first reader for one of the {@link #FORMATS} that recognises the content. */
  private static ImageReader reader(Path file, ImageInputStream in, Head head) throws IOException {
    String other = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReaders(in); it.hasNext(); ) {
      ImageReader reader = it.next();
      if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
        return reader;
      }
      other = reader.getFormatName().toUpperCase(Locale.ROOT);
    }
    if (other != null) {
      throw new DataFileException(
          file, "a " + other + " image; " + EXPECTED + ": convert it, e.g. " + "to PNG");
    }
    throw new DataFileException(
        file,
        "not an image: no PNG, JPEG, GIF or BMP signature; the file "
            + "starts with "
            + start(head.read())
            + ": remove it from the folder");
  }

  /** The first bytes, as text when they are printable, else in hex: enough to tell what it is. */
  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(16);
    }
  }

  private static String start(byte[] head) {
    StringBuilder text = new StringBuilder();
    StringBuilder hex = new StringBuilder();
    boolean printable = true;
    for (byte b : head) {
      int c = b & 0xff;
      printable &= c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t';
      text.append(c >= 0x20 && c < 0x7f ? (char) c : ' ');
      hex.append(hex.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", c));
    }
    return printable ? "the text \"" + text.toString().strip() + "\"" : "the bytes " + hex;
  }

  /** The image as [3, h, w] floats in [0, 1]. */
  static float[] rgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int n = w * h;
    float[] rgb = new float[3 * n];
    ColorModel cm = image.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
      // Band 0 is the stored grey (band 1, if any, alpha); read it raw, see the class comment.
      Raster raster = image.getRaster();
      float max = (1 << cm.getComponentSize(0)) - 1;
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          float v = row[x] / max;
          rgb[y * w + x] = v;
          rgb[n + y * w + x] = v;
          rgb[2 * n + y * w + x] = v;
        }
      }
      return rgb;
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w); // sRGB, non-premultiplied; alpha ignored
      for (int x = 0; x < w; x++) {
        int p = row[x];
        rgb[y * w + x] = ((p >> 16) & 0xff) / 255f;
        rgb[n + y * w + x] = ((p >> 8) & 0xff) / 255f;
        rgb[2 * n + y * w + x] = (p & 0xff) / 255f;
      }
    }
    return rgb;
  }

  /** Resamples {@code planes} planes of h0×w0 to h×w into {@code dst}, horizontally first. */
  static void resize(float[] src, int planes, int h0, int w0, float[] dst, int h, int w) {
    Taps across = Taps.of(w0, w);
    Taps down = Taps.of(h0, h);
    float[] rows = new float[h0 * w];
    for (int p = 0; p < planes; p++) {
      int in = p * h0 * w0;
      for (int y = 0; y < h0; y++) {
        for (int x = 0; x < w; x++) {
          double sum = 0;
          for (int k = 0; k < across.count[x]; k++) {
            sum += across.weights[x * across.stride + k] * src[in + y * w0 + across.start[x] + k];
          }
          rows[y * w + x] = (float) sum;
        }
      }
      int out = p * h * w;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double sum = 0;
          for (int k = 0; k < down.count[y]; k++) {
            sum += down.weights[y * down.stride + k] * rows[(down.start[y] + k) * w + x];
          }
          dst[out + y * w + x] = (float) sum;
        }
      }
    }
  }

  /** For each output pixel: the first source pixel, how many, and their normalised weights. */
  static final class Taps {
    final int[] start;
    final int[] count;
    final double[] weights;
    final int stride;

    private Taps(int[] start, int[] count, double[] weights, int stride) {
      this.start = start;
      this.count = count;
      this.weights = weights;
      this.stride = stride;
    }

    /** PIL's {@code precompute_coeffs} for the triangle filter, whose support is 1 pixel. */
    static Taps of(int in, int out) {
      double scale = (double) in / out;
      double filterScale = Math.max(scale, 1.0);
      double support = filterScale;
      int stride = (int) Math.ceil(support) * 2 + 1;
      int[] start = new int[out];
      int[] count = new int[out];
      double[] weights = new double[out * stride];
      for (int i = 0; i < out; i++) {
        double center = (i + 0.5) * scale;
        int lo = Math.max((int) (center - support + 0.5), 0); // (int) truncates, like C's cast
        int hi = Math.min((int) (center + support + 0.5), in);
        double total = 0;
        for (int j = lo; j < hi; j++) {
          double weight = Math.max(0, 1 - Math.abs((j - center + 0.5) / filterScale));
          weights[i * stride + j - lo] = weight;
          total += weight;
        }
        for (int j = lo; j < hi; j++) {
          weights[i * stride + j - lo] /= total;
        }
        start[i] = lo;
        count[i] = hi - lo;
      }
      return new Taps(start, count, weights, stride);
    }
  }
}
