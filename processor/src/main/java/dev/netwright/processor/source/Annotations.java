package dev.netwright.processor.source;

import dev.netwright.processor.graph.Value;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/** Reads one annotation's values, keeping where each written value stands in the source. */
final class Annotations {
  private final Element element;
  private final AnnotationMirror mirror;
  private final Map<? extends ExecutableElement, ? extends AnnotationValue> written;
  private final Map<? extends ExecutableElement, ? extends AnnotationValue> all;

  Annotations(Elements elements, Element element, AnnotationMirror mirror) {
    this.element = element;
    this.mirror = mirror;
    this.written = mirror.getElementValues();
    this.all = elements.getElementValuesWithDefaults(mirror);
  }

  /** The location of the whole annotation. */
  JavacLocation location() {
    return new JavacLocation(element, mirror, null);
  }

  /** Whether the user wrote {@code name}. */
  boolean isWritten(String name) {
    return find(written, name) != null;
  }

  /** An int value, located at the value when written and at the annotation otherwise. */
  Value intValue(String name) {
    AnnotationValue v = find(written, name);
    if (v != null) {
      return Value.written(((Number) v.getValue()).intValue(), new JavacLocation(element, mirror, v));
    }
    AnnotationValue d = find(all, name);
    return Value.implied(((Number) d.getValue()).intValue(), location());
  }

  /** Where {@code name} was written, or the annotation when it was not. */
  JavacLocation valueLocation(String name) {
    AnnotationValue v = find(written, name);
    return v == null ? location() : new JavacLocation(element, mirror, v);
  }

  /** A real value, located at the value when written and at the annotation otherwise. */
  dev.netwright.processor.graph.Real realValue(String name) {
    AnnotationValue v = find(written, name);
    AnnotationValue value = v != null ? v : find(all, name);
    return new dev.netwright.processor.graph.Real(((Number) value.getValue()).doubleValue(),
        v != null ? new JavacLocation(element, mirror, v) : location());
  }

  /** A boolean value. */
  boolean booleanValue(String name) {
    return (Boolean) find(all, name).getValue();
  }

  /** The constant name of an enum value, e.g. "SAME". */
  String enumValue(String name) {
    return ((VariableElement) find(all, name).getValue()).getSimpleName().toString();
  }

  /** A nested annotation value. */
  AnnotationMirror annotationValue(String name) {
    return (AnnotationMirror) find(all, name).getValue();
  }

  private static AnnotationValue find(
      Map<? extends ExecutableElement, ? extends AnnotationValue> values, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
