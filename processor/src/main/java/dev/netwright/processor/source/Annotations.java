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
      return Value.written(as(Number.class, v).intValue(), new JavacLocation(element, mirror, v));
    }
    AnnotationValue d = find(all, name);
    return Value.implied(as(Number.class, d).intValue(), location());
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
    return new dev.netwright.processor.graph.Real(as(Number.class, value).doubleValue(),
        v != null ? new JavacLocation(element, mirror, v) : location());
  }

  /** A boolean value. */
  boolean booleanValue(String name) {
    return as(Boolean.class, find(all, name));
  }

  /** The constant name of an enum value, e.g. "SAME". */
  String enumValue(String name) {
    return as(VariableElement.class, find(all, name)).getSimpleName().toString();
  }

  /** A nested annotation value. */
  AnnotationMirror annotationValue(String name) {
    return as(AnnotationMirror.class, find(all, name));
  }

  /**
   * The value as {@code type}; javac hands over something else (a string such as "<error>") when
   * the user's value did not compile, which javac has reported already.
   */
  private static <T> T as(Class<T> type, AnnotationValue value) {
    Object v = value == null ? null : value.getValue();
    if (!type.isInstance(v)) {
      throw new Unresolved();
    }
    return type.cast(v);
  }

  /** A value javac could not resolve and has reported: the declaration is skipped silently. */
  static final class Unresolved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unresolved() {
      super(null, null, false, false);
    }
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
