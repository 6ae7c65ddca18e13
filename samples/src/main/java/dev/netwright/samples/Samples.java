package dev.netwright.samples;

import dev.netwright.runtime.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.nd4j.linalg.api.buffer.DataType;

/** The sample networks the command line knows, by name; other networks by their class name. */
final class Samples {
  private Samples() {}

  /** A sample: its compile-time summary and diagram, and how to make one. */
  record Sample(String name, String summary, String diagram, LongFunction<Model> factory) {}

  private static final Map<String, Sample> BY_NAME = new LinkedHashMap<>();

  private static void add(
      String name, String summary, String diagram, LongFunction<Model> factory) {
    BY_NAME.put(name, new Sample(name, summary, diagram, factory));
  }

  static {
    add(
        "SimpleNet",
        SimpleNetModel.SUMMARY,
        SimpleNetModel.DIAGRAM,
        seed -> new SimpleNetModel(DataType.FLOAT, seed));
    add(
        "InceptionNet",
        InceptionNetModel.SUMMARY,
        InceptionNetModel.DIAGRAM,
        seed -> new InceptionNetModel(DataType.FLOAT, seed));
    add(
        "ResNet",
        ResNetModel.SUMMARY,
        ResNetModel.DIAGRAM,
        seed -> new ResNetModel(DataType.FLOAT, seed));
    add(
        "KerasVggBlock",
        KerasBlocks_VggBlockModel.SUMMARY,
        KerasBlocks_VggBlockModel.DIAGRAM,
        seed -> new KerasBlocks_VggBlockModel(DataType.FLOAT, seed));
    add(
        "KerasVggBlocks",
        KerasBlocks_VggBlocksModel.SUMMARY,
        KerasBlocks_VggBlocksModel.DIAGRAM,
        seed -> new KerasBlocks_VggBlocksModel(DataType.FLOAT, seed));
    add(
        "KerasNaiveInception",
        KerasBlocks_NaiveInception3aModel.SUMMARY,
        KerasBlocks_NaiveInception3aModel.DIAGRAM,
        seed -> new KerasBlocks_NaiveInception3aModel(DataType.FLOAT, seed));
    add(
        "KerasInception",
        KerasBlocks_Inception3a3bModel.SUMMARY,
        KerasBlocks_Inception3a3bModel.DIAGRAM,
        seed -> new KerasBlocks_Inception3a3bModel(DataType.FLOAT, seed));
    add(
        "KerasResidual",
        KerasBlocks_ResidualModuleModel.SUMMARY,
        KerasBlocks_ResidualModuleModel.DIAGRAM,
        seed -> new KerasBlocks_ResidualModuleModel(DataType.FLOAT, seed));
    add(
        "GroupedNet",
        GroupedNetModel.SUMMARY,
        GroupedNetModel.DIAGRAM,
        seed -> new GroupedNetModel(DataType.FLOAT, seed));
    add(
        "DigitsCnn",
        DigitsCnnModel.SUMMARY,
        DigitsCnnModel.DIAGRAM,
        seed -> new DigitsCnnModel(DataType.FLOAT, seed));
    add(
        "CatClassifier",
        CatClassifierModel.SUMMARY,
        CatClassifierModel.DIAGRAM,
        seed -> new CatClassifierModel(DataType.FLOAT, seed));
    add(
        "LeNet5",
        Classics_LeNet5Model.SUMMARY,
        Classics_LeNet5Model.DIAGRAM,
        seed -> new Classics_LeNet5Model(DataType.FLOAT, seed));
    add(
        "AlexNet",
        Classics_AlexNetModel.SUMMARY,
        Classics_AlexNetModel.DIAGRAM,
        seed -> new Classics_AlexNetModel(DataType.FLOAT, seed));
    add(
        "VGG16",
        Classics_Vgg16Model.SUMMARY,
        Classics_Vgg16Model.DIAGRAM,
        seed -> new Classics_Vgg16Model(DataType.FLOAT, seed));
    add(
        "VGG19",
        Classics_Vgg19Model.SUMMARY,
        Classics_Vgg19Model.DIAGRAM,
        seed -> new Classics_Vgg19Model(DataType.FLOAT, seed));
    add(
        "GoogLeNet",
        Classics_GoogLeNetModel.SUMMARY,
        Classics_GoogLeNetModel.DIAGRAM,
        seed -> new Classics_GoogLeNetModel(DataType.FLOAT, seed));
    add(
        "ResNet18",
        Classics_ResNet18Model.SUMMARY,
        Classics_ResNet18Model.DIAGRAM,
        seed -> new Classics_ResNet18Model(DataType.FLOAT, seed));
    add(
        "ResNet34",
        Classics_ResNet34Model.SUMMARY,
        Classics_ResNet34Model.DIAGRAM,
        seed -> new Classics_ResNet34Model(DataType.FLOAT, seed));
    add(
        "ResNet50",
        Classics_ResNet50Model.SUMMARY,
        Classics_ResNet50Model.DIAGRAM,
        seed -> new Classics_ResNet50Model(DataType.FLOAT, seed));
  }

  /** The sample called {@code name} (case-insensitive), initialised from {@code seed}. */
  static Model create(String name, long seed) {
    return find(name).factory().apply(seed);
  }

  /**
   * The sample called {@code name} (case-insensitive), or the network class {@code name} names
   * ({@code com.example.MyNet} or {@code com.example.MyNetModel}); nothing is allocated.
   */
  static Sample find(String name) {
    if (NetworkClasses.isClassName(name)) {
      return NetworkClasses.find(name);
    }
    for (Sample s : BY_NAME.values()) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "no sample network '"
            + name
            + "'; the samples are "
            + String.join(", ", BY_NAME.keySet())
            + ", or name a network class on the class path, e.g. com.example.MyNet");
  }

  /** The names, in order. */
  static Iterable<String> names() {
    return BY_NAME.keySet();
  }
}
