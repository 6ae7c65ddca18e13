package dev.netwright.processor.layer;

import dev.netwright.dsl.Add;
import dev.netwright.dsl.AvgPool;
import dev.netwright.dsl.BatchNorm;
import dev.netwright.dsl.Concat;
import dev.netwright.dsl.Conv;
import dev.netwright.dsl.Dense;
import dev.netwright.dsl.Dropout;
import dev.netwright.dsl.Flatten;
import dev.netwright.dsl.GlobalAvgPool;
import dev.netwright.dsl.GroupNorm;
import dev.netwright.dsl.Lrn;
import dev.netwright.dsl.MaxPool;
import dev.netwright.dsl.Relu;
import dev.netwright.dsl.Sigmoid;
import dev.netwright.dsl.Softmax;
import dev.netwright.dsl.Tanh;
import dev.netwright.processor.source.Attributes;
import java.lang.annotation.Annotation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every layer annotation of the DSL with the layer class that parses it: one line per annotation.
 */
public final class Layers {
  private static final Map<String, Function<Attributes, Layer>> PARSERS = new LinkedHashMap<>();

  static {
    register(Conv.class, ConvLayer::parse);
    register(MaxPool.class, PoolLayer::max);
    register(AvgPool.class, PoolLayer::avg);
    register(Relu.class, ReluLayer::parse);
    register(Sigmoid.class, SigmoidLayer::parse);
    register(Tanh.class, TanhLayer::parse);
    register(Softmax.class, SoftmaxLayer::parse);
    register(Flatten.class, FlattenLayer::parse);
    register(Dense.class, DenseLayer::parse);
    register(BatchNorm.class, BatchNormLayer::parse);
    register(GroupNorm.class, GroupNormLayer::parse);
    register(Lrn.class, LrnLayer::parse);
    register(Dropout.class, DropoutLayer::parse);
    register(GlobalAvgPool.class, GlobalAvgPoolLayer::parse);
    register(Concat.class, ConcatLayer::parse);
    register(Add.class, AddLayer::parse);
  }

  private Layers() {}

  private static void register(
      Class<? extends Annotation> annotation, Function<Attributes, Layer> parser) {
    PARSERS.put(annotation.getCanonicalName(), parser);
  }

  /**
   * The layer declared by {@code a}, an annotation named {@code annotation}; null if not a layer's.
   */
  public static Layer parse(String annotation, Attributes a) {
    Function<Attributes, Layer> parser = PARSERS.get(annotation);
    return parser == null ? null : parser.apply(a);
  }

  /** The qualified names of the layer annotations. */
  public static Set<String> annotations() {
    return Collections.unmodifiableSet(PARSERS.keySet());
  }
}
