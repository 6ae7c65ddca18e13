package dev.netwright.runtime.exec;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Runs the parts of one batch side by side, one native thread each: the calling thread takes the
 * first part, process-wide worker threads the others.
 *
 * <p>Why: with two OpenMP threads inside every op, the small ops of these networks (a ReLU over
 * 150,000 values, a 4x4 convolution) spend much of their time in barriers, and they collapse when
 * another process takes a core (SimpleNet training at batch 64 on two cores, one kept busy by
 * another process: about 2,000 images/s with two threads per op, 11,600 with one). Splitting the
 * batch and running each part on one thread has no barrier inside a step and degrades gently on a
 * shared machine.
 *
 * <p>Nothing is allocated per run: tasks are made once per batch size, the hand-off is a volatile
 * field with a short spin and then {@link LockSupport#park}. A worker another model is using is not
 * waited for: its part runs on the calling thread instead.
 *
 * <p>Threads: each thread asks for a number of native threads ({@link #request}, which {@code
 * Threads.set} calls). While batches are split, the calling thread itself runs with one native
 * thread too, between steps as well: an OpenMP team of two left idle beside the lanes spins on a
 * core a lane needs (measured: 15,000 against 7,500 images/s for SimpleNet on two cores). An
 * unsplit batch widens the thread back to what it asked for. OpenBLAS's thread count, which is per
 * process, follows the same way.
 */
public final class Lanes {
  /** The most parts a batch is split into, whatever the thread setting. */
  public static final int MAX = 64;

  // Long enough to bridge the gaps of a training step (loss, optimizer, the next batch) without
  // parking: waking a parked thread costs tens of microseconds on a quiet machine and far more on a
  // virtual one whose idle cores the host has taken back.
  private static final long SPIN_NANOS = 1_000_000;
  private static final Worker[] WORKERS = new Worker[MAX];

  private Lanes() {}

  // Per thread: {requested, current} native thread counts.
  private static final ThreadLocal<int[]> THREADS =
      ThreadLocal.withInitial(
          () -> {
            int now = Native.OPS.ompGetMaxThreads();
            return new int[] {now, now};
          });

  /**
   * Sets the number of native threads the calling thread asks for: its unsplit ops run that wide,
   * and its batches split into up to that many parts. Called by {@code Threads.set}.
   */
  public static void request(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("the thread count must be at least 1, got " + threads);
    }
    int[] s = THREADS.get();
    Native.OPS.setOmpNumThreads(threads);
    s[0] = threads;
    s[1] = threads;
    blas(threads);
  }

  /**
   * The number of native threads the calling thread asked for (OMP_NUM_THREADS or the cores, until
   * {@link #request} says otherwise), whatever width its ops run at just now.
   */
  public static int requested() {
    int[] s = THREADS.get();
    int now = Native.OPS.ompGetMaxThreads();
    if (now != s[1]) { // changed behind our back, e.g. omp_set_num_threads from other code
      s[0] = now;
      s[1] = now;
    }
    return s[0];
  }

  /** The width the calling thread's native ops run at just now (omp_get_max_threads). */
  static int width() {
    return Native.OPS.ompGetMaxThreads();
  }

  /** Before split work: the calling thread runs its ops with one native thread. */
  static void narrow() {
    int[] s = THREADS.get();
    if (s[1] != 1) {
      Native.OPS.setOmpNumThreads(1);
      s[1] = 1;
    }
    blas(1);
  }

  /** Before unsplit work: the calling thread runs its ops as wide as it asked. */
  static void widen() {
    int[] s = THREADS.get();
    if (s[1] != s[0]) {
      Native.OPS.setOmpNumThreads(s[0]);
      s[1] = s[0];
    }
    blas(s[0]);
  }

  // OpenBLAS (dense layers, the optimizers' axpy) keeps its own threads, one setting per process.
  // Left at two beside the lanes, its second thread fights a lane for a core: the SGD step of the
  // lecture ResNet took 400 µs instead of 35 and training ran 15% slower.
  private static volatile int blasThreads = -1;

  private static void blas(int threads) {
    if (blasThreads != threads) {
      Nd4j.factory().blas().setMaxThreads(threads);
      blasThreads = threads;
    }
  }

  /**
   * Runs tasks[0] on the calling thread and the others on workers (or here, when a worker is busy),
   * each with one native thread; returns when all are done and rethrows the first failure.
   */
  static void run(Runnable[] tasks) {
    int k = tasks.length;
    Worker[] slots = slots(k);
    for (int i = 1; i < k; i++) {
      Worker w = worker(i);
      slots[i] = w.claim(tasks[i]) ? w : null;
    }
    Throwable failure = null;
    narrow();
    try {
      tasks[0].run();
      for (int i = 1; i < k; i++) {
        if (slots[i] == null) {
          tasks[i].run();
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      for (int i = 1; i < k; i++) {
        if (slots[i] != null) {
          Throwable t = slots[i].await();
          if (failure == null) {
            failure = t;
          }
        }
        slots[i] = null;
      }
    }
    if (failure == null) {
      return;
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) failure;
  }

  // One scratch array per thread and part count: the caller's bookkeeping without garbage.
  private static final ThreadLocal<Worker[][]> SLOTS =
      ThreadLocal.withInitial(() -> new Worker[MAX + 1][]);

  private static Worker[] slots(int k) {
    Worker[][] all = SLOTS.get();
    Worker[] s = all[k];
    if (s == null) {
      s = new Worker[k];
      all[k] = s;
    }
    return s;
  }

  private static synchronized Worker worker(int i) {
    if (WORKERS[i] == null) {
      WORKERS[i] = new Worker("netwright-lane-" + i);
    }
    return WORKERS[i];
  }

  /** A daemon thread that runs one task at a time with one native thread. */
  private static final class Worker implements Runnable {
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Thread thread;
    private volatile Runnable task;
    private volatile boolean done;
    private volatile Thread owner;
    private Throwable failure;

    Worker(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
      thread.start();
    }

    boolean claim(Runnable t) {
      if (!busy.compareAndSet(false, true)) {
        return false;
      }
      owner = Thread.currentThread();
      done = false;
      failure = null;
      task = t;
      LockSupport.unpark(thread);
      return true;
    }

    Throwable await() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (!done) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      Throwable t = failure;
      failure = null;
      owner = null;
      busy.set(false);
      return t;
    }

    @Override
    public void run() {
      Native.OPS.setOmpNumThreads(1);
      while (true) {
        Runnable t = waitForTask();
        try {
          t.run();
        } catch (Throwable e) {
          failure = e;
        }
        task = null;
        Thread o = owner;
        done = true;
        LockSupport.unpark(o);
      }
    }

    private Runnable waitForTask() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      Runnable t;
      while ((t = task) == null) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
          spinUntil = 0;
        }
      }
      return t;
    }
  }

  // NativeOpsHolder throws if touched before Nd4j's backend is loaded, so load it first.
  private static final class Native {
    static final NativeOps OPS = load();

    private static NativeOps load() {
      Nd4j.getExecutioner();
      return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }
  }
}
