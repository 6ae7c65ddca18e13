package dev.netwright.samples;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.train.Evaluation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: accuracy, per-class accuracy and the confusion matrix on a test set. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a sample network on the test split of IDX data: accuracy, the confusion"
            + " matrix (rows: true class, columns: predicted) and the accuracy of each class.")
final class EvaluateCommand implements Callable<Integer> {
  private final PrintStream out;

  EvaluateCommand(PrintStream out) {
    this.out = out;
  }

  @Mixin ModelOptions model;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "DIR",
      defaultValue = Cli.FASHION_MNIST,
      description =
          "Directory holding the IDX files; its t10k files are evaluated (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description = "Evaluate only the first N test images, 0 for all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = {"-b", "--batch-size"},
      defaultValue = "1000",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    Model net = model.load(out);
    Dataset test = Cli.idx(data, "t10k", net);
    Cli.checkInput(net, test, data);
    if (limit > 0) {
      test = test.head(limit);
    }
    try (BatchLoader batches = new BatchLoader(test, batchSize, false, 0, DataType.FLOAT)) {
      long start = System.nanoTime();
      Evaluation evaluation = Evaluation.of(net, batches);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT, "%s on %s of %s%n", net.name(), Cli.count(test.size(), "test image"), data);
      out.print(evaluation.format(Cli.classNames(data, net.classes())));
      out.printf(
          Locale.ROOT,
          "%s: test accuracy %.2f%%, %,.0f images/s%n",
          net.name(),
          100 * evaluation.accuracy(),
          test.size() / seconds);
    }
    return 0;
  }
}
