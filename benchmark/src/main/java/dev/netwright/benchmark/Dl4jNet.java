package dev.netwright.benchmark;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** A DL4J network of either kind, a MultiLayerNetwork or a single-input ComputationGraph. */
final class Dl4jNet {
  private final MultiLayerNetwork layers;
  private final ComputationGraph graph;

  private Dl4jNet(MultiLayerNetwork layers, ComputationGraph graph) {
    this.layers = layers;
    this.graph = graph;
  }

  static Dl4jNet of(MultiLayerNetwork net) {
    net.init();
    return new Dl4jNet(net, null);
  }

  static Dl4jNet of(ComputationGraph net) {
    net.init();
    return new Dl4jNet(null, net);
  }

  /** One training step: forward, loss, backward and the updater, as DL4J's fit does it. */
  void fit(DataSet batch) {
    if (layers != null) {
      layers.fit(batch);
    } else {
      graph.fit(batch);
    }
  }

  /** Inference-mode forward. */
  INDArray output(INDArray input) {
    return layers != null ? layers.output(input) : graph.outputSingle(input);
  }

  /**
   * Layers that run on a platform helper (DL4J's oneDNN layer implementations) rather than DL4J's
   * own im2col-and-gemm code.
   */
  long helperLayers() {
    Layer[] all = layers != null ? layers.getLayers() : graph.getLayers();
    return Arrays.stream(all).filter(l -> l.getHelper() != null).count();
  }

  /** Number of trainable scalars. */
  long numParams() {
    return layers != null ? layers.numParams() : graph.numParams();
  }
}
