package dev.netwright.spark;

/**
 * Training or scoring data that cannot be used as it is (a wrong shape, a null image, a label out
 * of range, an image that does not decode). Not retried: the same data fails the same way.
 */
public final class BadInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the column, the row and what was expected. */
  public BadInputException(String message) {
    super(message);
  }

  /** With the decoder's or reader's exception as the cause. */
  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
