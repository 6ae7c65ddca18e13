package dev.netwright.processor.source;

import dev.netwright.processor.graph.Location;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * A location javac can underline: an element, optionally narrowed to one of its annotations and one
 * value of it.
 */
public record JavacLocation(Element element, AnnotationMirror mirror, AnnotationValue value)
    implements Location {
  /** The whole element. */
  public static JavacLocation of(Element element) {
    return new JavacLocation(element, null, null);
  }
}
