package dev.netwright.runtime.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes small images for tests: solid colours, so the expected pixels are known exactly. */
final class ImageFiles {
  private ImageFiles() {}

  /** A width×height image of one 0xRRGGBB colour, in an ImageIO format ("png", "jpg", ...). */
  static Path solid(Path file, String format, int width, int height, int rgb) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    fill(image, rgb);
    return write(image, format, file);
  }

  /** An 8-bit greyscale PNG of one grey level. */
  static Path grey(Path file, int width, int height, int level) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    fillBand(image, level);
    return write(image, "png", file);
  }

  /** A 16-bit greyscale PNG of one grey level, 0 to 65535. */
  static Path grey16(Path file, int width, int height, int level) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    fillBand(image, level);
    return write(image, "png", file);
  }

  /** An RGBA PNG of one 0xAARRGGBB colour (not premultiplied). */
  static Path rgba(Path file, int width, int height, int argb) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    fill(image, argb);
    return write(image, "png", file);
  }

  /** A noisy RGB image: large enough that cutting it leaves the JPEG decoder mid-scan. */
  static byte[] noise(String format, int size, long seed) throws IOException {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    Path tmp = Files.createTempFile("noise", "." + format);
    try {
      return Files.readAllBytes(write(image, format, tmp));
    } finally {
      Files.delete(tmp);
    }
  }

  /** The first two thirds of a file, as an interrupted download leaves it. */
  static Path truncate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 3));
  }

  private static void fill(BufferedImage image, int argb) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, argb);
      }
    }
  }

  private static void fillBand(BufferedImage image, int level) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.getRaster().setSample(x, y, 0, level);
      }
    }
  }

  private static Path write(BufferedImage image, String format, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(image, format, file.toFile())) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return file;
  }
}
