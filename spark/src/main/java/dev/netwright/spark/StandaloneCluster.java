package dev.netwright.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A throwaway Spark standalone cluster on 127.0.0.1 for tests and benchmarks: a Master and Workers
 * as separate JVM processes started from this JVM's class path (the Maven jars), each Worker
 * launching its executors as further processes. {@link #close()} stops them all, within seconds,
 * and deletes the scratch directory.
 *
 * <p>Workers launch executors with {@code $SPARK_HOME/jars/*}; here SPARK_HOME is a scratch
 * directory with an empty {@code jars/} and {@code SPARK_SCALA_VERSION=2.13} (without either,
 * executors fail with "Cannot find any build directories"); the driver gives executors the class
 * path through {@code spark.executor.extraClassPath} ({@link #session}).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final long START_MILLIS = 60_000;

  private final Path home;
  private final String classPath;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final String url;

  private StandaloneCluster(Path home, String classPath, Process master, String url) {
    this.home = home;
    this.classPath = classPath;
    this.master = master;
    this.url = url;
  }

  /**
   * Starts a Master and {@code workers} Workers of {@code cores} cores and {@code memory} each
   * (e.g. "2g"), and waits until every Worker has registered.
   *
   * @throws IOException if a process cannot start or is not ready within a minute; whatever did
   *     start is stopped first
   */
  public static StandaloneCluster start(int workers, int cores, String memory) throws IOException {
    Path home = Files.createTempDirectory("netwright-spark-home");
    Files.createDirectories(home.resolve("jars"));
    Path log4j = home.resolve("log4j2.properties");
    Files.writeString(
        log4j,
        String.join(
            "\n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.stderr.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
            // The lines start() waits for.
            "logger.deploy.name = org.apache.spark.deploy",
            "logger.deploy.level = info",
            ""));
    // Absolute entries: executors start in their own work directories, where a relative class
    // path (java -cp benchmark/target/x.jar) finds nothing and no executor ever registers.
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    int port = freePort();
    String url = "spark://127.0.0.1:" + port;
    Process master =
        launch(
            home,
            classPath,
            "master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                "0"));
    StandaloneCluster cluster = new StandaloneCluster(home, classPath, master, url);
    try {
      cluster.await(home.resolve("master.log"), "elected leader", master);
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(home.resolve("work-" + i));
        Process worker =
            launch(
                home,
                classPath,
                "worker-" + i,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    url,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    Integer.toString(cores),
                    "--memory",
                    memory,
                    "--webui-port",
                    "0",
                    "--work-dir",
                    work.toString()));
        cluster.workers.add(worker);
      }
      for (int i = 0; i < workers; i++) {
        cluster.await(
            home.resolve("worker-" + i + ".log"),
            "Successfully registered",
            cluster.workers.get(i));
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static Process launch(Path home, String classPath, String name, List<String> main)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                classPath,
                "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"),
                "-Dspark.master.rest.enabled=false")); // the REST server would take port 6066
    command.addAll(main);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private void await(Path log, String line, Process process) throws IOException {
    long deadline = System.currentTimeMillis() + START_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException(
            "a Spark process exited with status "
                + process.exitValue()
                + " before \""
                + line
                + "\"; its log "
                + log
                + ":\n"
                + tail(log));
      }
      sleep(100);
    }
    throw new IOException(
        "no \"" + line + "\" within " + START_MILLIS / 1000 + " s in " + log + ":\n" + tail(log));
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    String text = Files.readString(log);
    return text.substring(Math.max(0, text.length() - 4000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** The master's URL, spark://127.0.0.1:port. */
  public String url() {
    return url;
  }

  /**
   * A driver session on this cluster: executors get this JVM's class path, the driver listens on
   * 127.0.0.1, and each executor takes {@code executorCores} cores (one task each).
   */
  public SparkSession session(String appName, int executorCores) {
    return SparkSession.builder()
        .master(url)
        .appName(appName)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", classPath)
        .config("spark.executor.cores", Integer.toString(executorCores))
        .config("spark.executor.memory", "1g")
        .config(
            "spark.executor.extraJavaOptions",
            "-Dorg.nd4j.log.initialization=false -Dlog4j2.configurationFile="
                + home.resolve("log4j2.properties"))
        .getOrCreate();
  }

  /** Waits until the session's application has {@code slots} task slots (executors registered). */
  public static void awaitSlots(SparkSession spark, int slots, long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (spark.sparkContext().defaultParallelism() < slots
        || spark.sparkContext().statusTracker().getExecutorInfos().length
            < slots + 1) { // the driver counts as one
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "the cluster "
                + spark.sparkContext().master()
                + " offers "
                + spark.sparkContext().defaultParallelism()
                + " task slots after "
                + millis
                + " ms; expected "
                + slots);
      }
      sleep(100);
    }
  }

  /** The executor processes the Workers launched, oldest first. */
  public List<ProcessHandle> executors() {
    // A Worker's only children are its executors (it starts their JVMs directly).
    return workers.stream()
        .flatMap(Process::children)
        .filter(ProcessHandle::isAlive)
        .sorted(Comparator.comparing(p -> p.info().startInstant().orElse(java.time.Instant.EPOCH)))
        .toList();
  }

  @Override
  public void close() {
    // Workers first (each stops its executors), then the master; every wait bounded.
    List<ProcessHandle> executors = executors();
    for (Process w : workers) {
      w.destroy();
    }
    for (Process w : workers) {
      stop(w.toHandle());
    }
    executors.forEach(StandaloneCluster::stop);
    master.destroy();
    stop(master.toHandle());
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + home, e);
    }
  }

  private static void stop(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // nothing more can be done from here
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the cluster", e);
    }
  }
}
