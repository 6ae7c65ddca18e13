package dev.netwright.processor.graph;

/** A catalogued message: a stable tag users can grep and tests can match, and its text. */
public record Message(String tag, String body) {
  /** {@code [netwright/tag] body}. */
  public String text() {
    return "[netwright/" + tag + "] " + body;
  }
}
