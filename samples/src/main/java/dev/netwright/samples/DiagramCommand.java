package dev.netwright.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code diagram}: a sample's Graphviz diagram, as DOT text or rendered by Graphviz's dot. */
@Command(
    name = "diagram",
    mixinStandardHelpOptions = true,
    description = {
      "Print a sample network's Graphviz DOT diagram, or save it with --output, as DOT,"
          + " SVG or PNG. SVG and PNG are drawn by Graphviz's dot (sudo apt-get install graphviz).",
      "The format is taken from --format, else from the output file's extension, else DOT."
    })
final class DiagramCommand implements Callable<Integer> {
  /** The output formats. */
  enum Format {
    DOT,
    SVG,
    PNG
  }

  private static final long DOT_TIMEOUT_SECONDS = 120;

  private final PrintStream out;

  DiagramCommand(PrintStream out) {
    this.out = out;
  }

  @Mixin NetworkOption network;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "dot|svg|png",
      description = "Output format (default: from the --output extension, else dot).")
  Format format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the diagram here instead of printing it (required for png).")
  Path output;

  @Option(
      names = "--dot",
      paramLabel = "PROGRAM",
      defaultValue = "dot",
      description =
          "Graphviz's dot program, for svg and png (default: ${DEFAULT-VALUE} on the PATH).")
  String dotProgram;

  @Override
  public Integer call() throws IOException, InterruptedException {
    String dot = Samples.find(network.name).diagram();
    Format f = format != null ? format : fromExtension(output);
    if (f == Format.DOT) {
      if (output == null) {
        out.print(dot);
      } else {
        Files.writeString(output, dot);
        out.println("wrote " + output);
      }
      return 0;
    }
    if (output == null && f == Format.PNG) {
      throw new IllegalArgumentException(
          "--format png writes a binary file: name it with --output FILE.png");
    }
    byte[] rendered = render(dot, f);
    if (output == null) {
      out.print(new String(rendered, StandardCharsets.UTF_8));
    } else {
      Files.write(output, rendered);
      out.println("wrote " + output);
    }
    return 0;
  }

  private static Format fromExtension(Path file) {
    String name = file == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".svg")) {
      return Format.SVG;
    }
    return name.endsWith(".png") ? Format.PNG : Format.DOT;
  }

  /** Runs {@code dot -T<format>} on the DOT text and returns what it prints. */
  private byte[] render(String dot, Format f) throws IOException, InterruptedException {
    String type = f.name().toLowerCase(Locale.ROOT);
    Process process;
    try {
      process = new ProcessBuilder(List.of(dotProgram, "-T" + type)).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run Graphviz's '"
              + dotProgram
              + "' to draw "
              + type.toUpperCase(Locale.ROOT)
              + " ("
              + e.getMessage()
              + "): install Graphviz (sudo apt-get install graphviz), or save the"
              + " diagram as DOT with --format dot and render it elsewhere",
          e);
    }
    // Read stdout and stderr while writing stdin: a large diagram would otherwise fill a pipe.
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread readOut = drain(process.getInputStream(), stdout);
    Thread readErr = drain(process.getErrorStream(), stderr);
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(dot.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(DOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(
          dotProgram
              + " did not finish drawing "
              + network.name
              + " within "
              + DOT_TIMEOUT_SECONDS
              + " s");
    }
    readOut.join();
    readErr.join();
    if (process.exitValue() != 0) {
      throw new IOException(
          dotProgram
              + " -T"
              + type
              + " failed (exit "
              + process.exitValue()
              + "): "
              + stderr.toString(StandardCharsets.UTF_8).strip());
    }
    return stdout.toByteArray();
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream to) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(to);
              } catch (IOException e) {
                // The process died; its exit status says so.
              }
            },
            "dot-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
