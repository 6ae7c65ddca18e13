package dev.netwright.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file or folder that is not the data it should be: unreadable, malformed or misarranged. */
public final class DataFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String problem;

  /**
   * Message {@code file + ": " + problem}; the problem says what was found, expected, and a fix.
   */
  DataFileException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  /** As above, keeping the low-level cause (e.g. the decoder's IIOException). */
  DataFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file or folder at fault, as the caller named it. */
  public Path file() {
    return file;
  }

  /** The message without the leading file name. */
  String problem() {
    return problem;
  }
}
