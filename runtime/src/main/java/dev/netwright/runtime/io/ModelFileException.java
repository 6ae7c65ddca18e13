package dev.netwright.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or {@code .npz} file that cannot be loaded into the model at hand: cut short,
 * corrupt, of another format or version, or made for another network. Thrown before the model or
 * optimizer is touched, so they keep their values.
 */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String problem;

  /**
   * Message {@code file + ": " + problem}; the problem says what was expected, what was found, and
   * a fix.
   */
  ModelFileException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  /** As above, keeping the low-level cause (e.g. a ZipException). */
  ModelFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file at fault, as the caller named it. */
  public Path file() {
    return file;
  }

  /** The message without the leading file name. */
  public String problem() {
    return problem;
  }
}
