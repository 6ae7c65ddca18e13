package dev.netwright.spark;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Rank 0's side of the driver's progress bar: a few times a second, the step it reached and its
 * running loss and accuracy, over one socket. Progress is a courtesy: a report that cannot be sent
 * is dropped, never a reason to fail training.
 */
final class ProgressClient implements AutoCloseable {
  private static final long INTERVAL_NANOS = 200_000_000L;

  private final Socket socket;
  private final DataOutputStream out;
  private long next;

  private ProgressClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket == null ? null : new DataOutputStream(socket.getOutputStream());
  }

  /** Reports to {@code address} ("host:port"), or nowhere when it is null. */
  static ProgressClient to(String address) {
    if (address == null) {
      return none();
    }
    int colon = address.lastIndexOf(':');
    Socket s = new Socket();
    try {
      s.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          5_000);
      s.setTcpNoDelay(true);
      return new ProgressClient(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // the report goes nowhere
      }
      return none();
    }
  }

  private static ProgressClient none() {
    try {
      return new ProgressClient(null);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** After step {@code steps}; sent when the last report is old enough. */
  void report(int steps, double lossSum, long correct, long images) {
    long now = System.nanoTime();
    if (out == null || now < next) {
      return;
    }
    next = now + INTERVAL_NANOS;
    try {
      out.writeInt(steps);
      out.writeDouble(lossSum);
      out.writeLong(correct);
      out.writeLong(images);
      out.flush();
    } catch (IOException e) {
      next = Long.MAX_VALUE; // the driver stopped listening: stop reporting
    }
  }

  /** Sends the final count at once. */
  void finish(int steps, double lossSum, long correct, long images) {
    next = 0;
    report(steps, lossSum, correct, images);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
