package dev.netwright.processor.graph;

/** Ends the resolution of one node with its single root-cause problem. */
public final class Failure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  /** The error {@code message} at {@code at}. */
  public Failure(Message message, Location at) {
    super(message.text(), null, false, false);
    this.problem = Problem.error(message, at);
  }

  /** The problem to report. */
  public Problem problem() {
    return problem;
  }
}
