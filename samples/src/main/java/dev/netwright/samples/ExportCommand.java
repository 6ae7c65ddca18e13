package dev.netwright.samples;

import dev.netwright.runtime.io.Npz;
import dev.netwright.runtime.io.Onnx;
import dev.netwright.runtime.model.Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code export}: a network's weights, or the whole network for inference, to a file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a network with its weights: as ONNX (opset 17, for ONNX Runtime, TensorRT,"
          + " OpenVINO and other serving stacks) or as a PyTorch state_dict .npz.",
      "The ONNX graph reads 'input' [N, C, H, W] and writes 'logits', and 'probabilities' where the head"
          + " has them."
    })
final class ExportCommand implements Callable<Integer> {
  /** The file formats. */
  enum Format {
    ONNX("onnx"),
    NPZ("npz");

    final String extension;

    Format(String extension) {
      this.extension = extension;
    }
  }

  private final PrintStream out;

  ExportCommand(PrintStream out) {
    this.out = out;
  }

  @Mixin ModelOptions model;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "onnx|npz",
      defaultValue = "onnx",
      description =
          "ONNX for inference anywhere, or .npz for PyTorch's load_state_dict (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where to write (default: the network's name with the format's extension, here).")
  Path output;

  @Override
  public Integer call() throws IOException {
    Model net = model.load(out);
    Path file = output != null ? output : Path.of(net.name() + "." + format.extension);
    switch (format) {
      case ONNX -> Onnx.export(file, net);
      case NPZ -> Npz.export(file, net);
    }
    out.printf(
        Locale.ROOT,
        "%s: wrote %s (%s, %,d bytes)%n",
        net.name(),
        file,
        describe(net),
        Files.size(file));
    return 0;
  }

  private String describe(Model net) {
    return switch (format) {
      case ONNX ->
          String.format(
              Locale.ROOT,
              "ONNX IR %d, opset %d, %d nodes, outputs %s",
              Onnx.IR_VERSION,
              Onnx.OPSET,
              net.graph().nodes().size(),
              String.join(" and ", net.graph().outputs()));
      case NPZ ->
          String.format(
              Locale.ROOT,
              "state_dict, %,d parameters and %,d buffer values",
              net.parameters().trainableCount(),
              net.parameters().bufferCount());
    };
  }
}
