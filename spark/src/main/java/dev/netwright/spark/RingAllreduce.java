package dev.netwright.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums a flat array across ranks in place: a ring allreduce over TCP, reduce-scatter then
 * all-gather, each rank sending 2(P−1)/P of the array per call (Patarasuk and Yuan's bandwidth-
 * optimal ring). Every rank ends with the same bytes: each chunk is summed once, by its owner, and
 * then copied.
 *
 * <p>Rank r sends to r+1 and receives from r−1, both channels non-blocking under one selector, so a
 * full send buffer never blocks a receive (no writer thread, no deadlock). Every wait is bounded:
 * no byte for {@code timeout} from the previous rank, a closed peer, or {@code cancelled} (Spark
 * killing the task) ends the call with an exception; {@link #close()} closes both sockets. Nothing
 * is allocated per call once an array has been seen.
 */
public final class RingAllreduce implements AutoCloseable {
  private static final int MAGIC = 0x4E57_4152; // "NWAR"
  private static final long POLL_MILLIS = 100;

  private final int rank;
  private final int size;
  private final SocketChannel next;
  private final SocketChannel previous;
  private final Selector selector;
  private final long timeoutNanos;
  private final BooleanSupplier cancelled;
  // Two views per array, made once: one the sends move through, one the all-gather receives into.
  private final Map<INDArray, ByteBuffer[]> views = new IdentityHashMap<>();
  private ByteBuffer scratch = ByteBuffer.allocateDirect(0);
  private long bytesSent;
  private long nanos;

  private RingAllreduce(
      int rank,
      int size,
      SocketChannel next,
      SocketChannel previous,
      long timeoutNanos,
      BooleanSupplier cancelled)
      throws IOException {
    this.rank = rank;
    this.size = size;
    this.next = next;
    this.previous = previous;
    this.timeoutNanos = timeoutNanos;
    this.cancelled = cancelled;
    this.selector = size > 1 ? Selector.open() : null;
    if (size > 1) {
      next.configureBlocking(false);
      previous.configureBlocking(false);
    }
  }

  /** A listening socket on {@code host}, any free port; its "host:port" goes to the other ranks. */
  public static ServerSocketChannel listen(String host) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(host, 0));
    return server;
  }

  /** "host:port" of a socket from {@link #listen}. */
  public static String address(ServerSocketChannel server) throws IOException {
    InetSocketAddress a = (InetSocketAddress) server.getLocalAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /**
   * Joins the ring: connects to the next rank's address, accepts the previous rank on {@code
   * server} (closed afterwards), and checks that both speak for the same {@code job} (e.g. network
   * fingerprint, epoch and attempt), naming what differs.
   *
   * @param addresses every rank's "host:port", in rank order
   */
  public static RingAllreduce join(
      int rank,
      List<String> addresses,
      ServerSocketChannel server,
      String job,
      long timeoutMillis,
      BooleanSupplier cancelled)
      throws IOException {
    int size = addresses.size();
    if (rank < 0 || rank >= size) {
      throw new IllegalArgumentException("rank " + rank + " is outside a ring of " + size);
    }
    if (size == 1) {
      server.close();
      return new RingAllreduce(0, 1, null, null, timeoutMillis * 1_000_000L, cancelled);
    }
    SocketChannel next = null;
    SocketChannel previous = null;
    try {
      String to = addresses.get((rank + 1) % size);
      int colon = to.lastIndexOf(':');
      next = SocketChannel.open();
      next.socket()
          .connect(
              new InetSocketAddress(
                  to.substring(0, colon), Integer.parseInt(to.substring(colon + 1))),
              (int) timeoutMillis);
      next.socket().setTcpNoDelay(true);
      byte[] jobBytes = job.getBytes(StandardCharsets.UTF_8);
      ByteBuffer hello = ByteBuffer.allocate(12 + jobBytes.length);
      hello.putInt(MAGIC).putInt(rank).putInt(jobBytes.length).put(jobBytes).flip();
      while (hello.hasRemaining()) {
        next.write(hello);
      }
      server.socket().setSoTimeout((int) timeoutMillis);
      try {
        previous = server.socket().accept().getChannel();
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException(
            "rank "
                + rank
                + ": rank "
                + (rank + size - 1) % size
                + " did not connect within "
                + timeoutMillis
                + " ms");
      }
      previous.socket().setTcpNoDelay(true);
      previous.socket().setSoTimeout((int) timeoutMillis);
      checkHello(previous, rank, size, job);
      return new RingAllreduce(rank, size, next, previous, timeoutMillis * 1_000_000L, cancelled);
    } catch (IOException | RuntimeException e) {
      closeQuietly(next);
      closeQuietly(previous);
      throw e;
    } finally {
      server.close();
    }
  }

  // Blocking reads (with the socket's timeout) through the socket's stream: the channel is still
  // blocking.
  private static void checkHello(SocketChannel in, int rank, int size, String job)
      throws IOException {
    java.io.DataInputStream data = new java.io.DataInputStream(in.socket().getInputStream());
    int magic = data.readInt();
    int from = data.readInt();
    int length = data.readInt();
    if (magic != MAGIC || length < 0 || length > 1 << 16) {
      throw new IOException(
          "rank "
              + rank
              + ": the connection from the previous rank is not a Netwright"
              + " allreduce (magic "
              + Integer.toHexString(magic)
              + ")");
    }
    byte[] theirs = new byte[length];
    data.readFully(theirs);
    String other = new String(theirs, StandardCharsets.UTF_8);
    int expected = (rank + size - 1) % size;
    if (from != expected || !other.equals(job)) {
      throw new IOException(
          "rank "
              + rank
              + " expected rank "
              + expected
              + " of job '"
              + job
              + "' but was reached by rank "
              + from
              + " of job '"
              + other
              + "'");
    }
  }

  /** This rank, from 0. */
  public int rank() {
    return rank;
  }

  /** Number of ranks. */
  public int size() {
    return size;
  }

  /** Bytes this rank has sent so far. */
  public long bytesSent() {
    return bytesSent;
  }

  /** Nanoseconds spent inside {@link #sum} so far. */
  public long nanos() {
    return nanos;
  }

  /**
   * Replaces {@code flat} on every rank by the sum over ranks of {@code scale} times each rank's
   * {@code flat}. {@code flat} must be a whole, dense FLOAT or DOUBLE buffer of the same length on
   * every rank (e.g. {@code Parameters.gradients()}).
   */
  public void sum(INDArray flat, double scale) throws IOException {
    long start = System.nanoTime();
    ByteBuffer[] both = view(flat);
    ByteBuffer data = both[0];
    boolean single = flat.dataType() == DataType.FLOAT;
    int width = single ? 4 : 8;
    int n = (int) flat.length();
    if (scale != 1) {
      for (int i = 0; i < n; i++) {
        if (single) {
          data.putFloat(i * 4, (float) (data.getFloat(i * 4) * scale));
        } else {
          data.putDouble(i * 8, data.getDouble(i * 8) * scale);
        }
      }
    }
    if (size > 1) {
      int largest = (n + size - 1) / size * width;
      if (scratch.capacity() < largest) {
        scratch = ByteBuffer.allocateDirect(largest).order(ByteOrder.nativeOrder());
      }
      for (int s = 0; s < size - 1; s++) { // reduce-scatter: chunk r−s−1 gains this rank's part
        exchange(
            both,
            n,
            width,
            Math.floorMod(rank - s, size),
            Math.floorMod(rank - s - 1, size),
            true,
            single);
      }
      for (int s = 0; s < size - 1; s++) { // all-gather: finished chunks travel round the ring
        exchange(
            both,
            n,
            width,
            Math.floorMod(rank - s + 1, size),
            Math.floorMod(rank - s, size),
            false,
            single);
      }
    }
    nanos += System.nanoTime() - start;
  }

  /**
   * Whether every value of {@code flat} (as for {@link #sum}) is finite: after a sum every rank
   * sees the same answer, so all can stop together without another message.
   */
  public boolean allFinite(INDArray flat) {
    ByteBuffer data = view(flat)[0];
    if (flat.dataType() == DataType.FLOAT) {
      for (int i = 0, n = (int) flat.length(); i < n; i++) {
        if (!Float.isFinite(data.getFloat(i * 4))) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0, n = (int) flat.length(); i < n; i++) {
      if (!Double.isFinite(data.getDouble(i * 8))) {
        return false;
      }
    }
    return true;
  }

  private ByteBuffer[] view(INDArray flat) {
    ByteBuffer[] v = views.get(flat);
    if (v == null) {
      DataType t = flat.dataType();
      if (t != DataType.FLOAT && t != DataType.DOUBLE) {
        throw new IllegalArgumentException("allreduce sums FLOAT or DOUBLE arrays, not " + t);
      }
      if (flat.offset() != 0
          || flat.data().length() != flat.length()
          || !flat.isVector() && !flat.isScalar()) {
        throw new IllegalArgumentException(
            "allreduce needs a whole flat buffer, got a view of shape "
                + java.util.Arrays.toString(flat.shape())
                + " at offset "
                + flat.offset());
      }
      // A direct view of the native buffer: sockets read and write it without a copy.
      ByteBuffer nio = flat.data().asNio().order(ByteOrder.nativeOrder());
      v = new ByteBuffer[] {nio, nio.duplicate()};
      views.put(flat, v);
    }
    return v;
  }

  private static int from(int chunk, int n, int size) {
    return (int) ((long) chunk * n / size);
  }

  /**
   * Sends chunk {@code out} to the next rank while receiving chunk {@code in} from the previous.
   */
  private void exchange(
      ByteBuffer[] views, int n, int width, int out, int in, boolean add, boolean single)
      throws IOException {
    ByteBuffer data = views[0];
    data.limit(from(out + 1, n, size) * width).position(from(out, n, size) * width);
    int inFrom = from(in, n, size);
    int inCount = from(in + 1, n, size) - inFrom;
    ByteBuffer target;
    if (add) {
      scratch.clear().limit(inCount * width);
      target = scratch;
    } else { // all-gather: the finished chunk goes straight to its place
      target = views[1];
      target.clear().limit((inFrom + inCount) * width).position(inFrom * width);
    }
    transfer(data, target);
    data.clear();
    if (add) {
      for (int i = 0; i < inCount; i++) {
        int at = (inFrom + i) * width;
        if (single) {
          data.putFloat(at, data.getFloat(at) + scratch.getFloat(i * 4));
        } else {
          data.putDouble(at, data.getDouble(at) + scratch.getDouble(i * 8));
        }
      }
    }
  }

  private void transfer(ByteBuffer out, ByteBuffer in) throws IOException {
    SelectionKey writeKey = next.register(selector, SelectionKey.OP_WRITE);
    SelectionKey readKey = previous.register(selector, SelectionKey.OP_READ);
    long lastProgress = System.nanoTime();
    while (out.hasRemaining() || in.hasRemaining()) {
      boolean moved = false;
      if (out.hasRemaining()) {
        int w;
        try {
          w = next.write(out);
        } catch (IOException e) {
          throw new IOException(
              "rank "
                  + rank
                  + ": rank "
                  + (rank + 1) % size
                  + " closed its connection"
                  + " mid-allreduce (its task failed or was killed): "
                  + e.getMessage(),
              e);
        }
        bytesSent += w;
        moved |= w > 0;
      }
      if (in.hasRemaining()) {
        int r = previous.read(in);
        if (r < 0) {
          throw new IOException(
              "rank "
                  + rank
                  + ": rank "
                  + Math.floorMod(rank - 1, size)
                  + " closed its connection mid-allreduce (its task failed or was killed)");
        }
        moved |= r > 0;
      }
      if (moved) {
        lastProgress = System.nanoTime();
        continue;
      }
      writeKey.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
      readKey.interestOps(in.hasRemaining() ? SelectionKey.OP_READ : 0);
      selector.select(POLL_MILLIS);
      selector.selectedKeys().clear();
      if (cancelled.getAsBoolean()) {
        throw new IOException("rank " + rank + ": allreduce cancelled (the task was killed)");
      }
      if (System.nanoTime() - lastProgress > timeoutNanos) {
        throw new SocketTimeoutException(
            "rank "
                + rank
                + ": no progress exchanging with ranks "
                + Math.floorMod(rank - 1, size)
                + " and "
                + (rank + 1) % size
                + " for "
                + timeoutNanos / 1_000_000
                + " ms");
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(next);
    closeQuietly(previous);
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }

  private static void closeQuietly(SocketChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }
}
