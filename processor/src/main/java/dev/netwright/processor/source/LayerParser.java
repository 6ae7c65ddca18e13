package dev.netwright.processor.source;

import dev.netwright.processor.graph.Layer;
import dev.netwright.processor.graph.Value;

/** Turns one layer annotation into a {@link Layer}; other annotations give null. */
final class LayerParser {
  private LayerParser() {}

  static Layer parse(Annotations a, String annotation) {
    if (!annotation.startsWith(NetworkParser.DSL)) {
      return null;
    }
    switch (annotation.substring(NetworkParser.DSL.length())) {
      case "Conv":
        return new Layer.Conv(a.intValue("filters"), a.intValue("kernel"), a.intValue("stride"),
            padding(a), a.booleanValue("bias"), floor(a), a.enumValue("init"), a.location());
      case "MaxPool":
      case "AvgPool":
        boolean max = annotation.endsWith("MaxPool");
        Value size = a.intValue("value");
        Value stride = a.intValue("stride");
        if (!a.isWritten("stride")) {
          stride = Value.implied(size.value(), size.at());
        }
        return new Layer.Pool(max, size, stride, padding(a), floor(a),
            !max && a.booleanValue("countPadding"), a.location());
      case "Relu":
        return new Layer.Relu(a.location());
      case "Flatten":
        return new Layer.Flatten(a.location());
      case "Concat":
        return new Layer.Concat(a.location());
      case "Add":
        return new Layer.Add(a.location());
      case "Dense":
        return new Layer.Dense(a.intValue("value"),
            a.isWritten("inFeatures") ? a.intValue("inFeatures") : null, a.booleanValue("bias"),
            a.enumValue("init"), a.location());
      case "BatchNorm":
        return new Layer.BatchNorm(a.realValue("momentum"), a.realValue("eps"), a.booleanValue("affine"),
            a.location());
      case "Lrn":
        return new Layer.Lrn(a.intValue("depthRadius"), a.realValue("bias"), a.realValue("alpha"),
            a.realValue("beta"), a.location());
      case "Dropout":
        return new Layer.Dropout(a.realValue("value"), a.location());
      case "GlobalAvgPool":
        return new Layer.GlobalAvgPool(a.location());
      case "Sigmoid":
        return new Layer.Activation(Layer.Activation.Kind.SIGMOID, a.location());
      case "Tanh":
        return new Layer.Activation(Layer.Activation.Kind.TANH, a.location());
      case "Softmax":
        return new Layer.Activation(Layer.Activation.Kind.SOFTMAX, a.location());
      default:
        return null;
    }
  }

  private static Layer.Padding padding(Annotations a) {
    Value pad = a.intValue("pad");
    if (a.enumValue("padding").equals("SAME")) {
      return new Layer.Padding(Layer.Padding.Mode.SAME, pad);
    }
    if (a.isWritten("pad")) {
      return new Layer.Padding(Layer.Padding.Mode.EXPLICIT, pad);
    }
    return new Layer.Padding(Layer.Padding.Mode.VALID, pad);
  }

  private static boolean floor(Annotations a) {
    return a.enumValue("rounding").equals("FLOOR");
  }
}
