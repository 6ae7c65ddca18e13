package dev.netwright.processor.source;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * One attribute of a DSL annotation, named through the annotation's class: made once per attribute
 * the processor reads, it fails as soon as its class loads when the DSL no longer has that
 * attribute with that type, so a rename in {@code dev.netwright.dsl} cannot leave the processor
 * reading nothing.
 *
 * @param type the attribute's type: {@code int.class}, {@code double.class}, {@code boolean.class},
 *     an enum or an annotation of the DSL
 */
public record Attribute<T>(Class<? extends Annotation> annotation, String name, Class<T> type) {
  /** The attribute {@code name} of {@code annotation}, checked to exist with {@code type}. */
  public static <T> Attribute<T> of(
      Class<? extends Annotation> annotation, String name, Class<T> type) {
    Method method;
    try {
      method = annotation.getDeclaredMethod(name);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(disagree(annotation, name, type), e);
    }
    if (method.getReturnType() != type) {
      throw new IllegalStateException(disagree(annotation, name, type));
    }
    return new Attribute<>(annotation, name, type);
  }

  private static String disagree(
      Class<? extends Annotation> annotation, String name, Class<?> type) {
    return "the processor reads the "
        + type.getSimpleName()
        + " attribute '"
        + name
        + "' of @"
        + annotation.getSimpleName()
        + ", which "
        + annotation.getName()
        + " does not declare";
  }

  @Override
  public String toString() {
    return "@" + annotation.getSimpleName() + "." + name;
  }
}
