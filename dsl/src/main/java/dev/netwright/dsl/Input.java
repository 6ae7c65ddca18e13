package dev.netwright.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Shape of one input example, [channels, height, width] (NCHW without the batch). */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Input {
  /** Channels, e.g. 1 for grey images, 3 for RGB. */
  int channels();

  /** Height in pixels. */
  int height();

  /** Width in pixels. */
  int width();
}
