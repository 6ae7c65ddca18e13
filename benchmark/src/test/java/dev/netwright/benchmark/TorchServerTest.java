package dev.netwright.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch script answers the protocol; a dead or babbling Python is reported with its stderr.
 */
class TorchServerTest {
  @Test
  void scriptCountsParametersAndTrains() throws Exception {
    String reason = TorchServer.unavailableReason(TorchServer.DEFAULT_PYTHON);
    assumeTrue(reason == null, () -> "PyTorch is not available: " + reason);
    try (TorchServer server = TorchServer.start(TorchServer.DEFAULT_PYTHON, 1, null)) {
      assertTrue(server.torchVersion().matches("\\d+\\.\\d+.*"), server.torchVersion());
      assertEquals("8490", server.call("params simple", 120).get("params"));
      Map<String, String> train = server.call("train simple 0.1 0.02", 120);
      assertTrue(server.number(train, "img_per_s", "train") > 0, train.toString());
      Map<String, String> latency = server.call("latency simple 0.05 0.02", 120);
      assertTrue(server.number(latency, "ms", "latency") > 0, latency.toString());
      TorchServer.TorchException e =
          assertThrows(
              TorchServer.TorchException.class, () -> server.call("train alexnet 1 1", 120));
      assertTrue(e.getMessage().contains("no network 'alexnet'"), e.getMessage());
    }
  }

  @Test
  void garbageIsReportedWithTheLineAndStderr() throws Exception {
    try (TorchServer server =
        TorchServer.startCommand(
            List.of(
                "/bin/sh",
                "-c",
                "echo 'ready torch=0 threads=1'; read line; echo 'Traceback: boom' >&2; echo 'hello there'; exec sleep 30"))) {
      TorchServer.TorchException e =
          assertThrows(TorchServer.TorchException.class, () -> server.call("train simple 1 1", 30));
      assertTrue(e.getMessage().contains("failed on 'train simple 1 1'"), e.getMessage());
      assertTrue(e.getMessage().contains("got 'hello there'"), e.getMessage());
      assertTrue(e.getMessage().contains("Traceback: boom"), e.getMessage());
    }
  }

  @Test
  void deathAtStartUpIsReportedWithStatusAndStderr() {
    TorchServer.TorchException e =
        assertThrows(
            TorchServer.TorchException.class,
            () ->
                TorchServer.startCommand(
                    List.of("/bin/sh", "-c", "echo 'ModuleNotFoundError: torch' >&2; exit 3")));
    assertTrue(
        e.getMessage()
            .contains("failed on 'start-up': it closed its output and exited with status 3"),
        e.getMessage());
    assertTrue(e.getMessage().contains("ModuleNotFoundError: torch"), e.getMessage());
  }

  @Test
  void missingPythonIsAReasonToSkip() {
    assertTrue(TorchServer.unavailableReason("/nonexistent/python3").contains("does not exist"));
  }
}
