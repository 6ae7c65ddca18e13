package dev.netwright.processor.graph;

/** One compile-time finding: an error or a warning, with its stable tag and location. */
public record Problem(Severity severity, Message message, Location at) {
  /** How bad a problem is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /** An error at {@code at}. */
  public static Problem error(Message message, Location at) {
    return new Problem(Severity.ERROR, message, at);
  }

  /** A warning at {@code at}. */
  public static Problem warning(Message message, Location at) {
    return new Problem(Severity.WARNING, message, at);
  }

  /** The text javac shows: tag, then the rule, the facts and the fix. */
  public String text() {
    return message.text();
  }
}
