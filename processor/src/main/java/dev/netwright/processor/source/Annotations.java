package dev.netwright.processor.source;

import dev.netwright.processor.graph.Real;
import dev.netwright.processor.graph.Value;
import java.lang.annotation.Annotation;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/** Reads one annotation's values, keeping where each written value stands in the source. */
final class Annotations implements Attributes {
  private final Element element;
  private final AnnotationMirror mirror;
  private final String type;
  private final Map<? extends ExecutableElement, ? extends AnnotationValue> written;
  private final Map<? extends ExecutableElement, ? extends AnnotationValue> all;

  Annotations(Elements elements, Element element, AnnotationMirror mirror) {
    this.element = element;
    this.mirror = mirror;
    this.type = qualifiedName(mirror);
    this.written = mirror.getElementValues();
    this.all = elements.getElementValuesWithDefaults(mirror);
  }

  /** The qualified name of {@code mirror}'s annotation type. */
  static String qualifiedName(AnnotationMirror mirror) {
    return ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  /** Whether this is an annotation of type {@code annotation}. */
  boolean is(Class<? extends Annotation> annotation) {
    return type.equals(annotation.getCanonicalName());
  }

  @Override
  public JavacLocation location() {
    return new JavacLocation(element, mirror, null);
  }

  @Override
  public boolean isWritten(Attribute<?> attribute) {
    return find(written, attribute) != null;
  }

  @Override
  public Value intValue(Attribute<Integer> attribute) {
    AnnotationValue v = find(written, attribute);
    if (v != null) {
      return Value.written(as(Number.class, v).intValue(), new JavacLocation(element, mirror, v));
    }
    AnnotationValue d = find(all, attribute);
    return Value.implied(as(Number.class, d).intValue(), location());
  }

  @Override
  public JavacLocation valueLocation(Attribute<?> attribute) {
    AnnotationValue v = find(written, attribute);
    return v == null ? location() : new JavacLocation(element, mirror, v);
  }

  @Override
  public Real realValue(Attribute<Double> attribute) {
    AnnotationValue v = find(written, attribute);
    AnnotationValue value = v != null ? v : find(all, attribute);
    return new Real(
        as(Number.class, value).doubleValue(),
        v != null ? new JavacLocation(element, mirror, v) : location());
  }

  @Override
  public boolean booleanValue(Attribute<Boolean> attribute) {
    return as(Boolean.class, find(all, attribute));
  }

  @Override
  public <E extends Enum<E>> E enumValue(Attribute<E> attribute) {
    String constant = as(VariableElement.class, find(all, attribute)).getSimpleName().toString();
    return Enum.valueOf(attribute.type(), constant);
  }

  /** A nested annotation value. */
  AnnotationMirror annotationValue(Attribute<? extends Annotation> attribute) {
    return as(AnnotationMirror.class, find(all, attribute));
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

  private AnnotationValue find(
      Map<? extends ExecutableElement, ? extends AnnotationValue> values, Attribute<?> attribute) {
    if (!is(attribute.annotation())) {
      throw new IllegalStateException("reading " + attribute + " from @" + type);
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute.name())) {
        return e.getValue();
      }
    }
    return null;
  }
}
