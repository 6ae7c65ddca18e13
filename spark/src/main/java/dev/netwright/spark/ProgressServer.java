package dev.netwright.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The driver's progress bar for a distributed epoch, fed by rank 0 over a socket (a Spark job
 * reports nothing until its tasks end). Reads on a daemon thread; closing stops it.
 */
final class ProgressServer implements AutoCloseable {
  private final ServerSocket server;
  private final PrintStream out;
  private final Thread reader;
  private volatile ProgressBar bar;
  private volatile Socket current;

  ProgressServer(String host, PrintStream out) throws IOException {
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
    this.out = out;
    this.reader = new Thread(this::serve, "netwright-progress");
    reader.setDaemon(true);
    reader.start();
  }

  /** Where rank 0 reports, "host:port". */
  String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Draws a new bar for one attempt at an epoch of {@code steps} steps. */
  void start(String task, int steps) {
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(steps)
            .setUnit(" steps", 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            .setConsumer(new ConsoleProgressBarConsumer(out, 120))
            .build();
  }

  /** Closes the bar of the current attempt. */
  void stop() {
    ProgressBar b = bar;
    bar = null;
    if (b != null) {
      b.close();
    }
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept();
          DataInputStream in = new DataInputStream(s.getInputStream())) {
        current = s;
        while (true) {
          int steps = in.readInt();
          double lossSum = in.readDouble();
          long correct = in.readLong();
          long images = in.readLong();
          ProgressBar b = bar;
          if (b != null && images > 0) {
            b.stepTo(steps);
            b.setExtraMessage(
                String.format(
                    Locale.ROOT,
                    "rank 0: loss %.4f  acc %.1f%%",
                    lossSum / images,
                    100.0 * correct / images));
          }
        }
      } catch (IOException e) {
        // the replica finished or died, or the server closed: wait for the next one
      }
    }
  }

  @Override
  public void close() {
    stop();
    try {
      server.close();
      Socket s = current;
      if (s != null) {
        s.close();
      }
      reader.join(1_000);
    } catch (IOException | InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
