package dev.netwright.spark;

import java.util.function.Supplier;

/**
 * Turns a failed Spark job back into the exception that failed it, when it is one of ours: the
 * job's exception wraps the task's (or, for barrier stages, only quotes its text).
 */
final class Failures {
  private Failures() {}

  /** Runs a Spark action; a {@link BadInputException} in a task comes out as itself. */
  static <T> T unwrap(Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
      String bad = find(e, BadInputException.class);
      if (bad != null) {
        throw new BadInputException(bad, e);
      }
      throw unchecked(e);
    }
  }

  /** {@code e} itself when unchecked, else wrapped, keeping the Spark job's message. */
  static RuntimeException unchecked(Exception e) {
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  /**
   * The message of the first {@code type} in {@code e}'s causes, or quoted in one of their messages
   * as "{@code type name}: message" up to the line's end; null if there is none.
   */
  static String find(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return t.getMessage();
      }
    }
    String quoted = type.getName() + ": ";
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(quoted);
      if (at >= 0) {
        int end = m.indexOf('\n', at);
        return m.substring(at + quoted.length(), end < 0 ? m.length() : end).strip();
      }
    }
    return null;
  }

  /** The innermost message, for one line of a log. */
  static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    int end = m.indexOf('\n');
    return end < 0 ? m : m.substring(0, end);
  }
}
