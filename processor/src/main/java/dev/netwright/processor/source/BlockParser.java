package dev.netwright.processor.source;

import dev.netwright.processor.graph.BlockSpec;
import dev.netwright.processor.graph.Value;

/** Turns one built-in block annotation into a {@link BlockSpec}; other annotations give null. */
final class BlockParser {
  private BlockParser() {}

  static BlockSpec parse(Annotations a, String annotation) {
    if (!annotation.startsWith(NetworkParser.DSL)) {
      return null;
    }
    switch (annotation.substring(NetworkParser.DSL.length())) {
      case "VGGBlock":
        return new BlockSpec.Vgg(a.intValue("convs"), a.intValue("filters"), a.location());
      case "NaiveInception":
        return new BlockSpec.Inception(a.intValue("conv1x1"), null, a.intValue("conv3x3"), null,
            a.intValue("conv5x5"), null, a.location());
      case "Inception":
        return new BlockSpec.Inception(a.intValue("conv1x1"), a.intValue("reduce3x3"),
            a.intValue("conv3x3"), a.intValue("reduce5x5"), a.intValue("conv5x5"),
            a.intValue("poolProjection"), a.location());
      case "InceptionA":
        return new BlockSpec.InceptionA(a.intValue("conv1x1"), a.intValue("reduce5x5"),
            a.intValue("conv5x5"), a.intValue("reduce3x3"), a.intValue("conv3x3"),
            a.intValue("poolProjection"), a.location());
      case "Residual":
        Value filters = a.intValue("filters");
        return new BlockSpec.Residual(filters, a.intValue("stride"), a.enumValue("projection"),
            a.valueLocation("projection"), a.enumValue("variant"), a.valueLocation("variant"),
            a.intValue("expansion"), a.booleanValue("batchNorm"), a.location());
      default:
        return null;
    }
  }
}
