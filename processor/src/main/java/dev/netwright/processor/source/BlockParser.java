package dev.netwright.processor.source;

import dev.netwright.dsl.Inception;
import dev.netwright.dsl.InceptionA;
import dev.netwright.dsl.NaiveInception;
import dev.netwright.dsl.Projection;
import dev.netwright.dsl.Residual;
import dev.netwright.dsl.ResidualVariant;
import dev.netwright.dsl.VGGBlock;
import dev.netwright.processor.graph.BlockSpec;
import java.lang.annotation.Annotation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Turns one built-in block annotation into a {@link BlockSpec}; other annotations give null. */
final class BlockParser {
  private static final Attribute<Integer> VGG_CONVS =
      Attribute.of(VGGBlock.class, "convs", int.class);
  private static final Attribute<Integer> VGG_FILTERS =
      Attribute.of(VGGBlock.class, "filters", int.class);
  private static final Attribute<Integer> NAIVE_1X1 =
      Attribute.of(NaiveInception.class, "conv1x1", int.class);
  private static final Attribute<Integer> NAIVE_3X3 =
      Attribute.of(NaiveInception.class, "conv3x3", int.class);
  private static final Attribute<Integer> NAIVE_5X5 =
      Attribute.of(NaiveInception.class, "conv5x5", int.class);
  private static final Attribute<Integer> INC_1X1 =
      Attribute.of(Inception.class, "conv1x1", int.class);
  private static final Attribute<Integer> INC_R3X3 =
      Attribute.of(Inception.class, "reduce3x3", int.class);
  private static final Attribute<Integer> INC_3X3 =
      Attribute.of(Inception.class, "conv3x3", int.class);
  private static final Attribute<Integer> INC_R5X5 =
      Attribute.of(Inception.class, "reduce5x5", int.class);
  private static final Attribute<Integer> INC_5X5 =
      Attribute.of(Inception.class, "conv5x5", int.class);
  private static final Attribute<Integer> INC_POOL =
      Attribute.of(Inception.class, "poolProjection", int.class);
  private static final Attribute<Integer> A_1X1 =
      Attribute.of(InceptionA.class, "conv1x1", int.class);
  private static final Attribute<Integer> A_R5X5 =
      Attribute.of(InceptionA.class, "reduce5x5", int.class);
  private static final Attribute<Integer> A_5X5 =
      Attribute.of(InceptionA.class, "conv5x5", int.class);
  private static final Attribute<Integer> A_R3X3 =
      Attribute.of(InceptionA.class, "reduce3x3", int.class);
  private static final Attribute<Integer> A_3X3 =
      Attribute.of(InceptionA.class, "conv3x3", int.class);
  private static final Attribute<Integer> A_POOL =
      Attribute.of(InceptionA.class, "poolProjection", int.class);
  private static final Attribute<Integer> RES_FILTERS =
      Attribute.of(Residual.class, "filters", int.class);
  private static final Attribute<Integer> RES_STRIDE =
      Attribute.of(Residual.class, "stride", int.class);
  private static final Attribute<Projection> RES_PROJECTION =
      Attribute.of(Residual.class, "projection", Projection.class);
  private static final Attribute<ResidualVariant> RES_VARIANT =
      Attribute.of(Residual.class, "variant", ResidualVariant.class);
  private static final Attribute<Integer> RES_EXPANSION =
      Attribute.of(Residual.class, "expansion", int.class);
  private static final Attribute<Boolean> RES_BATCH_NORM =
      Attribute.of(Residual.class, "batchNorm", boolean.class);

  private static final Map<String, Function<Attributes, BlockSpec>> PARSERS = new LinkedHashMap<>();

  static {
    register(
        VGGBlock.class,
        a -> new BlockSpec.Vgg(a.intValue(VGG_CONVS), a.intValue(VGG_FILTERS), a.location()));
    register(
        NaiveInception.class,
        a ->
            new BlockSpec.Inception(
                a.intValue(NAIVE_1X1),
                null,
                a.intValue(NAIVE_3X3),
                null,
                a.intValue(NAIVE_5X5),
                null,
                a.location()));
    register(
        Inception.class,
        a ->
            new BlockSpec.Inception(
                a.intValue(INC_1X1),
                a.intValue(INC_R3X3),
                a.intValue(INC_3X3),
                a.intValue(INC_R5X5),
                a.intValue(INC_5X5),
                a.intValue(INC_POOL),
                a.location()));
    register(
        InceptionA.class,
        a ->
            new BlockSpec.InceptionA(
                a.intValue(A_1X1),
                a.intValue(A_R5X5),
                a.intValue(A_5X5),
                a.intValue(A_R3X3),
                a.intValue(A_3X3),
                a.intValue(A_POOL),
                a.location()));
    register(
        Residual.class,
        a ->
            new BlockSpec.Residual(
                a.intValue(RES_FILTERS),
                a.intValue(RES_STRIDE),
                a.enumValue(RES_PROJECTION),
                a.valueLocation(RES_PROJECTION),
                a.enumValue(RES_VARIANT),
                a.valueLocation(RES_VARIANT),
                a.intValue(RES_EXPANSION),
                a.booleanValue(RES_BATCH_NORM),
                a.location()));
  }

  private BlockParser() {}

  private static void register(
      Class<? extends Annotation> annotation, Function<Attributes, BlockSpec> parser) {
    PARSERS.put(annotation.getCanonicalName(), parser);
  }

  /**
   * The block declared by {@code a}, an annotation named {@code annotation}; null if not a block's.
   */
  static BlockSpec parse(Attributes a, String annotation) {
    Function<Attributes, BlockSpec> parser = PARSERS.get(annotation);
    return parser == null ? null : parser.apply(a);
  }

  /** The qualified names of the built-in block annotations. */
  static Set<String> annotations() {
    return Collections.unmodifiableSet(PARSERS.keySet());
  }
}
