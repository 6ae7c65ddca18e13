package dev.netwright.benchmark;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The benchmark's networks in Deeplearning4j, layer for layer the math of the Netwright ones (and
 * of tools/pytorch_reference.py), in FLOAT. Initialisation differs and does not matter for speed.
 */
final class Dl4jNetworks {
  private Dl4jNetworks() {}

  /** A new, initialised DL4J network for {@code network}. */
  static Dl4jNet build(BenchNetwork network) {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    return switch (network) {
      case SIMPLE -> simple();
      case INCEPTION -> inception();
      case RESNET -> resnet();
      case VGG -> vgg();
    };
  }

  private static NeuralNetConfiguration.Builder base() {
    // DL4J has no heavy-ball momentum updater: Nesterovs(lr, μ) is SGD with Nesterov momentum,
    // the closest to PyTorch's SGD(lr=0.01, momentum=0.5); the cost per step is the same.
    return new NeuralNetConfiguration.Builder()
        .seed(0)
        .dataType(DataType.FLOAT)
        .updater(new Nesterovs(0.01, 0.5))
        .activation(
            Activation.IDENTITY); // DL4J's default is sigmoid; activations are explicit here
  }

  private static Dl4jNet simple() {
    MultiLayerConfiguration conf =
        base()
            .list()
            .layer(conv(5, 10, 0))
            .layer(maxPool())
            .layer(relu())
            .layer(conv(5, 20, 0))
            .layer(maxPool())
            .layer(relu())
            .layer(output())
            .setInputType(InputType.convolutional(28, 28, 1))
            .build();
    return Dl4jNet.of(new MultiLayerNetwork(conf));
  }

  private static Dl4jNet vgg() {
    NeuralNetConfiguration.ListBuilder list = base().convolutionMode(ConvolutionMode.Same).list();
    for (int filters : new int[] {64, 128, 256}) {
      list.layer(conv(3, filters, 0, Activation.RELU))
          .layer(conv(3, filters, 0, Activation.RELU))
          .layer(maxPool());
    }
    MultiLayerConfiguration conf =
        list.layer(output()).setInputType(InputType.convolutional(32, 32, 3)).build();
    return Dl4jNet.of(new MultiLayerNetwork(conf));
  }

  private static Dl4jNet inception() {
    GraphBuilder g =
        base().graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(28, 28, 1));
    convPoolRelu(g, "conv1", 10, "input");
    inceptionA(g, "incep1", "conv1.relu");
    convPoolRelu(g, "conv2", 20, "incep1");
    inceptionA(g, "incep2", "conv2.relu");
    g.addLayer("fc", output(), "incep2").setOutputs("fc");
    return Dl4jNet.of(new ComputationGraph(g.build()));
  }

  private static Dl4jNet resnet() {
    GraphBuilder g =
        base().graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(28, 28, 1));
    convPoolRelu(g, "conv1", 16, "input");
    residual(g, "rblock1", 16, "conv1.relu");
    convPoolRelu(g, "conv2", 32, "rblock1");
    residual(g, "rblock2", 32, "conv2.relu");
    g.addLayer("fc", output(), "rblock2").setOutputs("fc");
    return Dl4jNet.of(new ComputationGraph(g.build()));
  }

  /** conv 5x5 → max-pool 2 → ReLU, ending in the layer {@code name.relu}. */
  private static void convPoolRelu(GraphBuilder g, String name, int filters, String input) {
    g.addLayer(name, conv(5, filters, 0), input)
        .addLayer(name + ".pool", maxPool(), name)
        .addLayer(name + ".relu", relu(), name + ".pool");
  }

  /** The lecture's InceptionA: four branches, no activations inside, 88 channels out. */
  private static void inceptionA(GraphBuilder g, String name, String input) {
    g.addLayer(name + ".branch1x1", conv(1, 16, 0), input)
        .addLayer(name + ".branch5x5_1", conv(1, 16, 0), input)
        .addLayer(name + ".branch5x5_2", conv(5, 24, 2), name + ".branch5x5_1")
        .addLayer(name + ".branch3x3_1", conv(1, 16, 0), input)
        .addLayer(name + ".branch3x3_2", conv(3, 24, 1), name + ".branch3x3_1")
        .addLayer(name + ".branch3x3_3", conv(3, 24, 1), name + ".branch3x3_2")
        .addLayer(
            name + ".avgpool",
            new SubsamplingLayer.Builder(PoolingType.AVG)
                .kernelSize(3, 3)
                .stride(1, 1)
                .padding(1, 1)
                .avgPoolIncludePadInDivisor(true) // F.avg_pool2d's count_include_pad=True
                .build(),
            input)
        .addLayer(name + ".branch_pool", conv(1, 24, 0), name + ".avgpool")
        .addVertex(
            name,
            new MergeVertex(),
            name + ".branch1x1",
            name + ".branch5x5_2",
            name + ".branch3x3_3",
            name + ".branch_pool");
  }

  /**
   * relu(x + conv2(relu(conv1(x)))) with 3x3 pad-1 convolutions, ending in the layer {@code name}.
   */
  private static void residual(GraphBuilder g, String name, int filters, String input) {
    g.addLayer(name + ".conv1", conv(3, filters, 1, Activation.RELU), input)
        .addLayer(name + ".conv2", conv(3, filters, 1), name + ".conv1")
        .addVertex(
            name + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + ".conv2", input)
        .addLayer(name, relu(), name + ".add");
  }

  private static Layer conv(int kernel, int filters, int pad) {
    return conv(kernel, filters, pad, Activation.IDENTITY);
  }

  private static Layer conv(int kernel, int filters, int pad, Activation activation) {
    return new ConvolutionLayer.Builder(kernel, kernel)
        .nOut(filters)
        .stride(1, 1)
        .padding(pad, pad)
        .activation(activation)
        .build();
  }

  private static Layer maxPool() {
    return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
  }

  private static Layer relu() {
    return new ActivationLayer.Builder().activation(Activation.RELU).build();
  }

  private static Layer output() {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nOut(BenchNetwork.CLASSES)
        .activation(Activation.SOFTMAX)
        .build();
  }
}
