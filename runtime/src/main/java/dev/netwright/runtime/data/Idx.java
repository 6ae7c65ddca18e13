package dev.netwright.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST family's format: big-endian header, then unsigned bytes), gzip or
 * plain.
 *
 * <p>Compression is detected from the content (the gzip magic bytes 0x1f 0x8b), not the file name,
 * so {@code train-images-idx3-ubyte} and {@code train-images-idx3-ubyte.gz} are read alike however
 * they are named. The whole payload is read with one bulk read into one array.
 */
public final class Idx {
  /**
   * Magic number of an IDX image file: unsigned bytes (0x08), three dimensions (count, rows, cols).
   */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an IDX label file: unsigned bytes (0x08), one dimension (count). */
  public static final int LABELS_MAGIC = 0x00000801;

  /** The most pixel or label bytes one file may hold: the largest Java array. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private static final int BUFFER = 1 << 16;

  private Idx() {}

  /** Reads an IDX image file (magic 0x00000803): image count, rows, columns, then the pixels. */
  public static IdxImages readImages(Path file) throws IOException {
    try (Reader in = Reader.open(file, Kind.IMAGES)) {
      int[] dims = in.header();
      int count = dims[0];
      int rows = dims[1];
      int cols = dims[2];
      String what = "images of " + rows + "×" + cols;
      if (count <= 0 || rows <= 0 || cols <= 0) {
        throw new IdxFormatException(
            String.format(
                Locale.ROOT,
                "%s: implausible header: %d %s; expected a positive image count, rows and columns: "
                    + "the file is corrupt or not an IDX image file",
                in.name,
                count,
                what));
      }
      byte[] pixels = in.payload(count, (long) rows * cols, what);
      return new IdxImages(count, rows, cols, pixels);
    }
  }

  /** Reads an IDX label file (magic 0x00000801): label count, then one byte per label. */
  public static IdxLabels readLabels(Path file) throws IOException {
    try (Reader in = Reader.open(file, Kind.LABELS)) {
      int count = in.header()[0];
      if (count <= 0) {
        throw new IdxFormatException(
            String.format(
                Locale.ROOT,
                "%s: implausible header: %d labels; expected a positive label count: "
                    + "the file is corrupt or not an IDX label file",
                in.name,
                count));
      }
      return new IdxLabels(in.payload(count, 1, "labels"));
    }
  }

  /** Formats a count for people: 7840000 becomes 7,840,000. */
  static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** What the caller asked for, with the words its messages need. */
  private enum Kind {
    IMAGES(
        IMAGES_MAGIC,
        3,
        "an IDX image file",
        "magic number, image count, rows, columns",
        "is this a label file?"),
    LABELS(
        LABELS_MAGIC,
        1,
        "an IDX label file",
        "magic number, label count",
        "is this an image file?");

    final int magic;
    final int dims;
    final String description;
    final String headerFields;
    final String otherKindHint;

    Kind(int magic, int dims, String description, String headerFields, String otherKindHint) {
      this.magic = magic;
      this.dims = dims;
      this.description = description;
      this.headerFields = headerFields;
      this.otherKindHint = otherKindHint;
    }

    int headerBytes() {
      return 4 + 4 * dims;
    }
  }

  /** One open IDX file: sniffs gzip, checks the header, reads the payload in one piece. */
  private static final class Reader implements AutoCloseable {
    final String name;
    private final Kind kind;
    private final boolean gzip;
    private final long fileSize;
    private final InputStream in;
    private boolean cutShort;

    private Reader(String name, Kind kind, boolean gzip, long fileSize, InputStream in) {
      this.name = name;
      this.kind = kind;
      this.gzip = gzip;
      this.fileSize = fileSize;
      this.in = in;
    }

    static Reader open(Path file, Kind kind) throws IOException {
      String name = file.toString();
      if (Files.isDirectory(file)) {
        throw new IdxFormatException(
            name
                + ": is a directory; expected "
                + kind.description
                + " (to read a whole MNIST-style directory use IdxDirectory)");
      }
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(name, null, "no such file; expected " + kind.description);
      }
      if (size == 0) {
        throw new IdxFormatException(
            name
                + ": empty file (0 bytes); expected "
                + kind.description
                + ": the download or copy probably failed, fetch the file again");
      }
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
      try {
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        InputStream in = gzip ? new GZIPInputStream(raw, BUFFER) : raw;
        return new Reader(name, kind, gzip, size, in);
      } catch (ZipException e) {
        raw.close();
        throw corruptGzip(name, e);
      } catch (EOFException e) {
        raw.close();
        throw new IdxFormatException(
            name
                + ": truncated gzip stream: the file ends inside the "
                + "gzip header; fetch the file again",
            e);
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    /** Reads and checks the magic number, then returns the dimensions (unchecked). */
    int[] header() throws IOException {
      byte[] h = new byte[kind.headerBytes()];
      int read = readFully(h, 0, 4);
      if (read == 0) {
        throw new IdxFormatException(
            name
                + ": empty: the gzip stream decompresses to 0 bytes; "
                + "expected "
                + kind.description
                + ": fetch the file again");
      }
      if (read == 4) {
        int magic = intAt(h, 0);
        if (magic != kind.magic) {
          throw wrongMagic(magic, h);
        }
        read += readFully(h, 4, h.length - 4);
      }
      if (read < h.length) {
        throw new IdxFormatException(
            String.format(
                Locale.ROOT,
                "%s: truncated header: %s starts with a %d-byte header (%s) but the file %s %d bytes; "
                    + "fetch the file again",
                name,
                kind.description,
                h.length,
                kind.headerFields,
                gzip ? "decompresses to only" : "ends after",
                read));
      }
      int[] dims = new int[kind.dims];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = intAt(h, 4 + 4 * d);
      }
      return dims;
    }

    /** Reads exactly {@code count × itemBytes} bytes and checks that the file ends there. */
    byte[] payload(int count, long itemBytes, String what) throws IOException {
      long total = count * itemBytes;
      String promise =
          String.format(
              Locale.ROOT,
              "the header promises %s %s (%s bytes%s)",
              n(count),
              what,
              n(total),
              kind == Kind.IMAGES ? " of pixels" : "");
      if (total > MAX_BYTES) {
        throw new IdxFormatException(
            name
                + ": implausible header: "
                + promise
                + ", more than the "
                + n(MAX_BYTES)
                + " one Java array can hold: the header is corrupt, or the data needs "
                + "splitting into several files");
      }
      if (!gzip) {
        long available = fileSize - kind.headerBytes();
        if (available < total) {
          throw truncated(promise, available, itemBytes);
        }
        if (available > total) {
          throw trailing(promise, n(available - total) + " more bytes follow");
        }
      }
      byte[] data = new byte[(int) total];
      int read = readFully(data, 0, data.length);
      if (read < total) {
        throw truncated(promise, read, itemBytes);
      }
      if (gzip) {
        checkGzipEnds(promise);
      }
      return data;
    }

    /** Reading past the payload makes GZIPInputStream verify its CRC and length trailer. */
    private void checkGzipEnds(String promise) throws IOException {
      int next;
      try {
        next = in.read();
      } catch (ZipException e) {
        throw corruptGzip(name, e);
      } catch (EOFException e) {
        throw new IdxFormatException(
            name
                + ": truncated gzip stream: all the data is there but "
                + "the gzip trailer (CRC and length) is cut off; fetch the file again",
            e);
      }
      if (next != -1) {
        throw trailing(promise, "the gzip stream decompresses to more bytes");
      }
    }

    private int readFully(byte[] b, int off, int len) throws IOException {
      int n = 0;
      try {
        while (n < len) {
          int r = in.read(b, off + n, len - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
      } catch (ZipException e) {
        throw corruptGzip(name, e);
      } catch (EOFException e) {
        if (!gzip) {
          throw e;
        }
        cutShort = true; // GZIPInputStream's way of saying the compressed stream stops early
      }
      return n;
    }

    private IdxFormatException truncated(String promise, long readBytes, long itemBytes) {
      return new IdxFormatException(
          name
              + ": truncated: "
              + promise
              + " but the file ends after "
              + n(readBytes / itemBytes)
              + " of them"
              + (itemBytes == 1 ? "" : " (" + n(readBytes) + " bytes)")
              + (cutShort ? ", where its gzip stream stops short" : "")
              + "; the download or copy was probably interrupted: fetch the file again");
    }

    private IdxFormatException trailing(String promise, String extra) {
      return new IdxFormatException(
          name
              + ": "
              + promise
              + " but "
              + extra
              + "; expected the "
              + "file to end there: the header's count is wrong or the file has data appended");
    }

    private IdxFormatException wrongMagic(int magic, byte[] h) {
      String hint;
      if (magic == Kind.IMAGES.magic || magic == Kind.LABELS.magic) {
        hint = kind.otherKindHint;
      } else if (h[0] == 0 && h[1] == 0) {
        hint =
            String.format(
                Locale.ROOT,
                "this is an IDX file of element type 0x%02X with %d "
                    + "dimensions; only unsigned bytes (type 0x08) are supported",
                h[2] & 0xff,
                h[3] & 0xff);
      } else if (h[0] == 'P' && h[1] == 'K') {
        hint = "this looks like a zip archive: unzip it first";
      } else if (h[0] == '<') {
        hint =
            "this looks like an HTML or XML page, perhaps an error page saved by a failed "
                + "download: fetch the file again";
      } else {
        hint = "this is not an IDX file (IDX files start with two zero bytes)";
      }
      return new IdxFormatException(
          String.format(
              Locale.ROOT,
              "%s: wrong magic number 0x%08X, expected 0x%08X (%s); %s",
              name,
              magic,
              kind.magic,
              kind.description,
              hint));
    }

    private static IdxFormatException corruptGzip(String name, ZipException e) {
      return new IdxFormatException(
          name
              + ": corrupt gzip stream ("
              + e.getMessage()
              + "): the "
              + "file starts like gzip (bytes 0x1f 0x8b) but does not decompress; fetch the file "
              + "again (`gzip -t` checks a gzip file)",
          e);
    }

    private static int intAt(byte[] b, int i) {
      return (b[i] & 0xff) << 24
          | (b[i + 1] & 0xff) << 16
          | (b[i + 2] & 0xff) << 8
          | b[i + 3] & 0xff;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
