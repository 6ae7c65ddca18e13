package dev.netwright.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The DL4J networks are the Netwright ones: same parameter counts, same output shapes. */
class SameNetworksTest {
  @ParameterizedTest
  @EnumSource(BenchNetwork.class)
  void dl4jHasNetwrightsParameterCountAndOutputShape(BenchNetwork network) {
    long netwright = network.netwright().parameters().trainableCount();
    Dl4jNet dl4j = Dl4jNetworks.build(network);
    assertEquals(netwright, dl4j.numParams(), network.key);
    INDArray out = dl4j.output(Batches.random(network.channels, network.size, 1).features[0]);
    assertArrayEquals(new long[] {Batches.SIZE, BenchNetwork.CLASSES}, out.shape(), network.key);
  }

  @ParameterizedTest
  @EnumSource(BenchNetwork.class)
  void dl4jContenderAcceptsTheCountAndRefusesAnother(BenchNetwork network) {
    long count = network.netwright().parameters().trainableCount();
    Batches data = Batches.random(network.channels, network.size, 1);
    new Dl4jContender(network, data, count);
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> new Dl4jContender(network, data, count + 1));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("[benchmark/same-network] DL4J's " + network.key),
        e.getMessage());
  }
}
