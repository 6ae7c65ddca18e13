package dev.netwright.runtime.data;

import java.io.IOException;

/** A file that is not the IDX data it should be: wrong kind, cut short, corrupt or inconsistent. */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the file, the problem and a fix. */
  public IdxFormatException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a message as above and the low-level cause (e.g. a ZipException).
   */
  public IdxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
