package dev.netwright.benchmark;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side: {@code netwright_torch_bench.py} started once as a child process, one command
 * per line on its stdin, one answer per line on its stdout ({@code ok key=value ...} or {@code
 * error message}). Its stderr goes to a file that every failure quotes.
 */
final class TorchServer implements AutoCloseable {
  static final String DEFAULT_PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "netwright_torch_bench.py";
  private static final String[] RESOURCES = {SCRIPT, "pytorch_reference.py"};
  private static final String EOF = "\u0000end of output";
  private static final long START_SECONDS = 120;

  private final Process process;
  private final BufferedWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path directory;
  private final Path stderr;
  private final String description;
  private final String torchVersion;

  private TorchServer(List<String> command, Path directory) throws IOException {
    this.directory = directory;
    this.stderr = directory.resolve("stderr.txt");
    this.description = String.join(" ", command);
    this.process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    this.commands =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> pump(process.getInputStream()), "torch-server-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String ready = next("start-up", START_SECONDS);
      if (!ready.startsWith("ready ")) {
        throw failure("start-up", "expected a line 'ready torch=VERSION ...', got '" + ready + "'");
      }
      this.torchVersion = fields(ready.substring("ready ".length())).getOrDefault("torch", "?");
    } catch (RuntimeException e) { // the message has quoted stderr already
      process.destroyForcibly();
      deleteDirectory();
      throw e;
    }
  }

  /**
   * Whether {@code python} can import torch, or why not: null when it can, else the reason (the
   * last line of its error output).
   */
  static String unavailableReason(String python) {
    if (!Files.isExecutable(Path.of(python))) {
      return python + " does not exist or is not executable";
    }
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return python + " -c 'import torch' did not finish in " + START_SECONDS + " s";
      }
      if (p.exitValue() != 0) {
        String[] lines = output.split("\n");
        return python
            + " cannot import torch ("
            + lines[lines.length - 1].strip()
            + "); on Debian: apt-get install python3-torch";
      }
      return null;
    } catch (IOException e) {
      return "cannot run " + python + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Extracts the script (and the lecture networks it imports) and starts it with {@code python}.
   */
  static TorchServer start(String python, int threads, Path fashionMnist) throws IOException {
    Path dir = Files.createTempDirectory("netwright-benchmark-");
    for (String name : RESOURCES) {
      try (InputStream in = TorchServer.class.getResourceAsStream("/python/" + name)) {
        if (in == null) {
          throw new IOException(
              "resource /python/" + name + " is missing from the benchmark's jar");
        }
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                python,
                "-B",
                dir.resolve(SCRIPT).toString(),
                "--threads",
                Integer.toString(threads)));
    if (fashionMnist != null) {
      command.addAll(List.of("--data", fashionMnist.toString()));
    }
    return new TorchServer(command, dir);
  }

  /** Starts an arbitrary command that speaks the protocol (for tests of the failure paths). */
  static TorchServer startCommand(List<String> command) throws IOException {
    return new TorchServer(command, Files.createTempDirectory("netwright-benchmark-"));
  }

  /** The version the script reported, e.g. "1.13.0a0". */
  String torchVersion() {
    return torchVersion;
  }

  /**
   * Sends {@code command} and returns the answer's fields.
   *
   * @throws TorchException when the script answers an error or garbage, dies, or is silent for
   *     {@code timeoutSeconds}; the message quotes its stderr
   */
  Map<String, String> call(String command, double timeoutSeconds) {
    try {
      commands.write(command);
      commands.newLine();
      commands.flush();
    } catch (IOException e) {
      throw failure(command, "cannot send the command (" + e.getMessage() + ")");
    }
    String answer = next(command, (long) Math.ceil(timeoutSeconds));
    if (answer.startsWith("ok")) {
      return fields(answer.substring(2));
    }
    if (answer.startsWith("error ")) {
      throw failure(command, "the script answered: " + answer.substring("error ".length()));
    }
    process.destroyForcibly(); // out of step with the protocol: no later answer could be trusted
    throw failure(command, "expected 'ok ...' or 'error ...', got '" + answer + "'");
  }

  /** A number from an answer, failing clearly when it is missing or not a number. */
  double number(Map<String, String> fields, String key, String command) {
    String value = fields.get(key);
    try {
      return Double.parseDouble(value);
    } catch (NullPointerException | NumberFormatException e) {
      throw failure(command, "expected a number " + key + "=..., got " + fields);
    }
  }

  private String next(String command, long timeoutSeconds) {
    String line;
    try {
      line = answers.poll(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(command, "interrupted");
    }
    if (line == null) {
      process.destroyForcibly();
      throw failure(command, "no answer in " + timeoutSeconds + " s (killed it)");
    }
    if (line.equals(EOF)) {
      answers.add(EOF); // every later call fails the same way
      throw failure(command, "it closed its output" + exitStatus());
    }
    return line;
  }

  private void pump(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // the process went away; the end marker below says so
    }
    answers.add(EOF);
  }

  private String exitStatus() {
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return " and exited with status " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  private TorchException failure(String command, String what) {
    String err;
    try {
      err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8).strip() : "";
    } catch (IOException e) {
      err = "(cannot read " + stderr + ": " + e.getMessage() + ")";
    }
    if (err.length() > 4000) {
      err = "..." + err.substring(err.length() - 4000);
    }
    return new TorchException(
        "PyTorch side ("
            + description
            + ") failed on '"
            + command
            + "': "
            + what
            + (err.isEmpty() ? "; its stderr was empty" : "; its stderr:\n" + err));
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String word : text.trim().split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        out.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      commands.write("quit");
      commands.newLine();
      commands.flush();
      commands.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteDirectory();
  }

  private void deleteDirectory() {
    try (var files = Files.list(directory)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  /** The PyTorch side failed; the message says how and quotes its stderr. */
  static final class TorchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TorchException(String message) {
      super(message);
    }
  }
}
