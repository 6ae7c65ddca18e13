package dev.netwright.processor.graph;

/** Ends the resolution of one node with its single root-cause problem. */
final class Failure extends Exception {
  private static final long serialVersionUID = 1L;

  final transient Problem problem;

  Failure(Message message, Location at) {
    super(message.text(), null, false, false);
    this.problem = Problem.error(message, at);
  }
}
